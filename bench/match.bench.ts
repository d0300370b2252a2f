/**
 * Matcher benchmark (issue 8), on SQLite: N assets derived from the real OCS inventory (909 Debian 12 packages; per
 * asset ~3% of the packages get another version, from the Packages indexes' other builds or an older revision),
 * matched against the Debian tracker (OSV, bookworm), the bookworm Packages indexes and NVD 2.0 2026 records.
 * For each fleet size it prints:
 *   - the cold first match (no finding stored yet: every finding inserted, the findings table bulk-loaded) and the
 *     full rematch (nothing changed; a fresh session, as after a restart), with findings/s, peak RSS and wall time
 *     per phase (read software, match, diff, write, triage, index rebuild, orphan-evidence sweep);
 *   - a KB update (the tracker's row of one source package changed, recorded in kb_changes as the KB store does)
 *     followed by the narrowed rematch of the scheduled job (only assets having that package);
 *   - incremental runs (one inventory changed, as the scheduled rematch sees it, with its session) p50/p95, and the
 *     same without a session (a fresh process, e.g. `vigie match --asset`);
 *   - the same-run baseline: the write floor, i.e. plain prepared INSERTs of finding-shaped rows into a table with
 *     the findings indexes, in one transaction (at most 1.5 M rows: a rate). The machine's load shows in both alike.
 *
 *   npm run bench -- match [--assets 1000,10000] [--runs 20]
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAliases } from '../server/cpe/aliases.js';
import { sqliteBulkInsert } from '../server/db/bulk-insert.js';
import { openDatabase, type Db } from '../server/db/index.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { limitsOf } from '../server/http/agents/exchange.js';
import { recordKbChanges } from '../server/db/repositories/findings-kb-changes.js';
import { rebuildSoftwareHolders } from '../server/db/repositories/software-holders.js';
import { inventoryFromText } from '../server/inventory/formats/index.js';
import { debianOsv } from '../server/kb/importers/debian-osv.js';
import { debianPackages } from '../server/kb/importers/debian-packages.js';
import { rematchKbChanges, runMatch, type MatchRunStats } from '../server/matcher/run.js';
import { MatchSession } from '../server/matcher/session.js';
import { testConfig } from '../test/helpers/config.js';
import { ocsFullXml } from '../test/helpers/corpus.js';
import { loadKb, nvd2Files } from '../test/helpers/kb-load.js';

const { values: args } = parseArgs({ options: { assets: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '20' } } });
const SIZES = args.assets.split(',').map(Number);
const RUNS = Number(args.runs);
if (SIZES.some((n) => !Number.isInteger(n) || n <= 0) || !(RUNS > 0)) {
  console.error(`--assets: expected positive integers separated by commas, found ${args.assets}; --runs: expected a positive integer, found ${args.runs}`);
  process.exit(2);
}
const ROOT = new URL('..', import.meta.url).pathname;
const DATA = join(ROOT, '../shared/data');
const files = (dir: string) => readdirSync(join(DATA, dir)).filter((f) => f.endsWith('.gz')).sort().map((f) => join(DATA, dir, f));
const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-match-'));
const template = join(dir, 'kb.db');
const ms = (t: number) => `${Math.round(t)} ms`;
const peak = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
/** Nearest-rank percentile (with 20 runs, p95 is the 19th value, not the slowest). */
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))]!;
const perS = (n: number, t: number) => `${Math.round(n / (t / 1000)).toLocaleString('en')}/s`;
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

/** CPU time of this process (user + system) since `from`: less sensitive than wall time to other work on the machine. */
let cpuFrom = process.cpuUsage();
const cpuSince = () => {
  const u = process.cpuUsage(cpuFrom);
  cpuFrom = process.cpuUsage();
  return `CPU ${ms((u.user + u.system) / 1000)}`;
};

function summary(label: string, t: number, s: MatchRunStats) {
  const f = s.findings;
  const p = s.phases;
  console.log(
    `  ${label}: ${ms(t)} (${cpuSince()}), ${s.assets.toLocaleString('en')} assets, ${s.software.toLocaleString('en')} rows, ${s.uniquePairs} unique pairs, ${f.current.toLocaleString('en')} findings (${perS(f.current, t)}); ` +
      `written: ${f.inserted} new, ${f.updated} changed, ${f.fixed} fixed; ${s.assetsUnchanged} assets unchanged; ${s.evidenceSwept} orphan evidence swept; peak RSS ${peak()}\n` +
      `    phases, wall (CPU): ${(Object.keys(p) as (keyof typeof p)[]).map((k) => `${k} ${ms(p[k])} (${ms(s.phasesCpu[k])})`).join(', ')}`,
  );
}

/** The write floor: N finding-shaped rows through one prepared INSERT into a table with the findings indexes. */
function writeFloor(db: Db, n: number): number {
  n = Math.min(n, 1_500_000);
  const sq = db.sqlite!;
  sq.exec(`create table floor_findings (id integer primary key autoincrement, asset_id integer not null, vulnerability_id text not null, software_name text not null,
    software_version text, software_origin text, matcher text not null, confidence real not null, fixed_version text, status text not null, evidence text not null,
    evidence_hash text, first_seen_at text not null, last_seen_at text not null, resolved_at text, triage_id integer, unique (asset_id, vulnerability_id, software_name));
    create index floor_vuln on floor_findings (vulnerability_id, status); create index floor_status on floor_findings (status, first_seen_at); create index floor_triage on floor_findings (triage_id);`);
  const stmt = sq.prepare('insert into floor_findings (asset_id, vulnerability_id, software_name, software_version, software_origin, matcher, confidence, fixed_version, status, evidence, evidence_hash, first_seen_at, last_seen_at, resolved_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const now = new Date().toISOString();
  const t = performance.now();
  sq.transaction(() => {
    for (let i = 0; i < n; i++) stmt.run(1 + Math.floor(i / 1500), `CVE-2024-${10000 + (i % 1500)}`, `package-${i % 1500}`, '1.2.3-1+deb12u1', 'deb', 'distro', 1, '1.2.3-1+deb12u2', 'open', '', 'AbCdEfGhIjKlMnOpQrStUv', now, now, null);
  })();
  const took = performance.now() - t;
  sq.exec('drop table floor_findings');
  return took;
}

try {
  let t = performance.now();
  {
    const kb = openDatabase(`sqlite:${template}`);
    await migrateToLatest(kb);
    const releases = new Set(['bookworm']);
    await loadKb(kb, debianOsv, files('debian/osv-debian-cve'), { releases });
    await loadKb(kb, debianPackages, files('debian/packages'), { releases });
    await loadKb(kb, nvd2Files, [join(DATA, 'nvd-api2/official-feeds/nvdcve-2.0-2026.json.gz')]);
    await kb.close();
  }
  console.log(`KB loaded in ${ms(performance.now() - t)} (Debian tracker + Packages for bookworm, NVD 2026); machine: shared, loaded by other work`);

  const inv = inventoryFromText(ocsFullXml(), { limits: limitsOf(testConfig('sqlite::memory:').agents), userAgent: 'bench' });
  const software = inv.software;
  const aliases = loadAliases();

  for (const N of SIZES) {
    const file = join(dir, `fleet-${N}.db`);
    copyFileSync(template, file);
    const db = openDatabase(`sqlite:${file}`);
    const k = db.kysely;
    const sq = db.sqlite!;
    console.log(`\n${N.toLocaleString('en')} assets × ${software.length} packages`);

    // Other builds of each binary (main vs security vs updates) give realistic version variations.
    const builds = new Map<string, string[]>();
    for (const r of await k.selectFrom('package_sources').select(['binary', 'binary_version']).execute()) if (r.binary_version) (builds.get(r.binary) ?? builds.set(r.binary, []).get(r.binary)!).push(r.binary_version);
    const variant = (name: string, version: string) => {
      const alt = builds.get(name.replace(/:[a-z0-9_-]+$/, ''))?.filter((v) => v !== version);
      return alt?.length ? alt[Math.floor(rnd() * alt.length)]! : version.replace(/(\d+)$/, (d) => String(Math.max(0, Number(d) - 1)));
    };

    // Seeding: prepared INSERTs in one transaction per 500 assets (ingest's own speed is bench/ingest.bench.ts).
    t = performance.now();
    const now = new Date().toISOString();
    const bulk = sqliteBulkInsert(sq);
    const catalogue = !!sq.prepare(`select 1 from sqlite_master where name = 'software_catalog' and type = 'table'`).get();
    const catalogueIds = new Map<string, number>();
    let nextCatalogueId = 1;
    for (let a = 0; a < N; a += 500) {
      const assets: Record<string, unknown>[] = [];
      const rows: Record<string, unknown>[] = [];
      const entries: Record<string, unknown>[] = [];
      for (let i = a; i < Math.min(N, a + 500); i++) {
        assets.push({ id: i + 1, hostname: `bench-${i}`, kind: 'computer', source_format: 'bench', os_name: 'Debian GNU/Linux 12', os_version: '12', os_full_name: 'Debian GNU/Linux 12', status: 'active', software_count: software.length, first_seen_at: now, last_seen_at: now, updated_at: now });
        for (const s of software) {
          const version = s.version && rnd() < 0.03 ? variant(s.name, s.version) : s.version;
          if (!catalogue) {
            rows.push({ asset_id: i + 1, name: s.name, version, publisher: s.publisher, arch: s.arch, origin: s.origin, source_package: null, source_version: null, extra: '{}' });
            continue;
          }
          // Normalised software storage (migration 202611291500): one catalogue entry per distinct package version.
          const key = `${s.name}\u0000${version}\u0000${s.arch}`;
          let id = catalogueIds.get(key);
          if (id === undefined) {
            catalogueIds.set(key, (id = nextCatalogueId++));
            entries.push({ id, key_hash: null, name: s.name, version, publisher: s.publisher, arch: s.arch, origin: s.origin, source_package: null, source_version: null, extra: '{}' });
          }
          rows.push({ asset_id: i + 1, software_id: id, install_date: null });
        }
      }
      sq.prepare('begin').run();
      await bulk(k, 'assets', assets);
      if (catalogue) await bulk(k, 'software_catalog', entries);
      await bulk(k, catalogue ? 'asset_software_items' : 'asset_software', rows);
      sq.prepare('commit').run();
      if (catalogue) await rebuildSoftwareHolders(db); // the bulk load bypassed ingest
    }
    console.log(`  seeded in ${ms(performance.now() - t)} (${catalogue ? 'software catalogue + items' : 'asset_software rows'}, bulk INSERT)`);

    t = performance.now();
    cpuSince();
    const first = await runMatch(db, { aliases, now: new Date().toISOString() });
    const firstMs = performance.now() - t;
    summary('cold first match (no finding stored, every finding new)', firstMs, first.stats);

    // The scheduled rematch keeps one session across runs; a fresh one here = a rematch after a restart.
    const session = new MatchSession(db, aliases);
    t = performance.now();
    cpuSince();
    const again = await runMatch(db, { session, now: new Date().toISOString() });
    const againMs = performance.now() - t;
    summary('full rematch (nothing changed)', againMs, again.stats);

    // A KB update: the tracker now says one of openssl's open CVEs is fixed in a version above the fleet's.
    const fix = await k.selectFrom('distro_fixes').select(['id', 'vulnerability_id']).where('release', '=', 'bookworm').where('package', '=', 'systemd').where('status', '!=', 'resolved').orderBy('id').executeTakeFirst();
    if (fix) {
      await k.updateTable('distro_fixes').set({ status: 'resolved', fixed_version: '999:0', updated_at: new Date().toISOString() }).where('id', '=', fix.id).execute();
      await k.insertInto('kb_sources').values({ id: 'bench-update', last_attempt_at: new Date().toISOString(), last_success_at: new Date().toISOString(), last_error: null, records: 1, meta: '{}' }).execute();
      // What server/kb/store.ts records for such a change (the bench writes the KB row directly).
      await recordKbChanges(k, { packages: [{ distro: 'debian', release: 'bookworm', package: 'systemd' }] }, new Date().toISOString());
      t = performance.now();
      cpuSince();
      const upd = await rematchKbChanges(db, { session, now: new Date().toISOString() });
      if (upd.stats) summary(`KB update (${fix.vulnerability_id} on systemd) then the narrowed rematch (${upd.changes} change, ${upd.assets} assets with it)`, performance.now() - t, upd.stats);
    }

    // Incremental: one inventory changed (a few packages moved to another build), as the rematch job sees it.
    const names = software.filter((s) => s.version && builds.get(s.name.replace(/:[a-z0-9_-]+$/, ''))?.length).map((s) => s.name);
    const change = async () => {
      const id = 1 + Math.floor(rnd() * N);
      for (let j = 0; j < 3; j++) {
        const name = names[Math.floor(rnd() * names.length)]!;
        const cur = await k.selectFrom('asset_software').select('version').where('asset_id', '=', id).where('name', '=', name).executeTakeFirst();
        if (cur?.version) await k.updateTable('asset_software').set({ version: variant(name, cur.version) }).where('asset_id', '=', id).where('name', '=', name).execute();
      }
      return id;
    };
    const timed = async (withSession: boolean) => {
      const times: number[] = [];
      const cpus: number[] = [];
      let written = 0;
      let slowest: { t: number; s: MatchRunStats } | null = null;
      for (let r = 0; r < RUNS; r++) {
        const id = await change();
        const t1 = performance.now();
        const c1 = process.cpuUsage();
        const res = await runMatch(db, { aliases, assetIds: [id], now: new Date().toISOString(), ...(withSession ? { session } : {}) });
        const took = performance.now() - t1;
        const c = process.cpuUsage(c1);
        cpus.push((c.user + c.system) / 1000);
        times.push(took);
        if (!slowest || took > slowest.t) slowest = { t: took, s: res.stats };
        written += res.stats.findings.inserted + res.stats.findings.updated + res.stats.findings.fixed;
      }
      if (slowest) {
        const p = slowest.s.phases;
        console.log(`    slowest incremental run ${withSession ? 'with' : 'without'} a session: ${ms(slowest.t)}; phases: ${(Object.keys(p) as (keyof typeof p)[]).map((k) => `${k} ${ms(p[k])}`).join(', ')}`);
      }
      return { times, cpus, written };
    };
    const inc = await timed(true);
    const cold = await timed(false);
    console.log(`  incremental, one changed inventory (${RUNS} runs, 3 packages changed each): p50 ${inc.times.length ? ms(pct(inc.times, 50)) : '-'}, p95 ${ms(pct(inc.times, 95))} ` +
      `(CPU p50 ${ms(pct(inc.cpus, 50))}, p95 ${ms(pct(inc.cpus, 95))}) with the rematch job's session; ` +
      `p50 ${ms(pct(cold.times, 50))}, p95 ${ms(pct(cold.times, 95))} (CPU p50 ${ms(pct(cold.cpus, 50))}, p95 ${ms(pct(cold.cpus, 95))}) without one; ${Math.round((inc.written + cold.written) / (2 * RUNS))} finding rows written per run`);

    const floor = writeFloor(db, first.stats.findings.current);
    const floorRows = Math.min(first.stats.findings.current, 1_500_000);
    const floorAll = (floor / floorRows) * first.stats.findings.current;
    console.log(`  baseline (write floor): ${floorRows.toLocaleString('en')} plain prepared INSERTs in ${ms(floor)} (${perS(floorRows, floor)}; ${ms(floorAll)} at that rate for every finding); ` +
      `cold first match = ${(firstMs / floorAll).toFixed(2)}× the floor, full rematch = ${(againMs / floorAll).toFixed(2)}× the floor; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
