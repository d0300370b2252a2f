/**
 * Matcher benchmark: N assets derived from the real OCS inventory (909 Debian 12 packages; per asset ~3% of the
 * packages get another version, from the Packages indexes' other builds or an older revision), matched against the
 * Debian tracker (OSV, bookworm), the bookworm Packages indexes and NVD 2.0 2026 records, on SQLite.
 * Prints: full match time and software rows/s; incremental time for one changed inventory; and the baseline, the
 * same strategies run once per software row without the fleet-wide (identity, version) cache.
 *
 *   npm run bench -- match [--assets 1000] [--skip-baseline]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAliases } from '../server/cpe/aliases.js';
import { openDatabase } from '../server/db/index.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { limitsOf } from '../server/http/agents/exchange.js';
import { inventoryFromText } from '../server/inventory/formats/index.js';
import { debianOsv } from '../server/kb/importers/debian-osv.js';
import { debianPackages } from '../server/kb/importers/debian-packages.js';
import { runMatch } from '../server/matcher/run.js';
import { testConfig } from '../test/helpers/config.js';
import { ocsFullXml } from '../test/helpers/corpus.js';
import { loadKb, nvd2Files } from '../test/helpers/kb-load.js';

const { values: args } = parseArgs({ options: { assets: { type: 'string', default: '1000' }, 'skip-baseline': { type: 'boolean', default: false } } });
const N = Number(args.assets);
const ROOT = new URL('..', import.meta.url).pathname;
const DATA = join(ROOT, '../shared/data');
const files = (dir: string) => readdirSync(join(DATA, dir)).filter((f) => f.endsWith('.gz')).sort().map((f) => join(DATA, dir, f));
const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-match-'));
const url = `sqlite:${join(dir, 'vigie.db')}`;
const db = openDatabase(url);
await migrateToLatest(db);
const k = db.kysely;
const now = new Date().toISOString();
const rss = () => `${Math.round(process.memoryUsage().rss / 1048576)} MB`;

try {
  let t = performance.now();
  const releases = new Set(['bookworm']);
  await loadKb(db, debianOsv, files('debian/osv-debian-cve'), { releases });
  await loadKb(db, debianPackages, files('debian/packages'), { releases });
  await loadKb(db, nvd2Files, [join(DATA, 'nvd-api2/official-feeds/nvdcve-2.0-2026.json.gz')]);
  console.log(`KB loaded in ${Math.round(performance.now() - t)} ms`);

  // Other builds of each binary (main vs security vs updates) give realistic version variations.
  const builds = new Map<string, string[]>();
  for (const r of await k.selectFrom('package_sources').select(['binary', 'binary_version']).execute()) if (r.binary_version) (builds.get(r.binary) ?? builds.set(r.binary, []).get(r.binary)!).push(r.binary_version);
  const inv = inventoryFromText(ocsFullXml(), { limits: limitsOf(testConfig(url).agents), userAgent: 'bench' });
  const software = inv.software;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

  t = performance.now();
  for (let a = 0; a < N; a += 100) {
    await k.transaction().execute(async (trx) => {
      for (let i = a; i < Math.min(N, a + 100); i++) {
        const row = await trx
          .insertInto('assets')
          .values({ hostname: `bench-${i}`, kind: 'computer', source_format: 'bench', os_name: 'Debian GNU/Linux 12', os_version: '12', os_full_name: 'Debian GNU/Linux 12', status: 'active', software_count: software.length, first_seen_at: now, last_seen_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        const rows = software.map((s) => {
          let version = s.version;
          if (version && rnd() < 0.03) {
            const alt = builds.get(s.name.replace(/:[a-z0-9_-]+$/, ''))?.filter((v) => v !== version);
            version = alt?.length ? alt[Math.floor(rnd() * alt.length)]! : version.replace(/(\d+)$/, (d) => String(Math.max(0, Number(d) - 1)));
          }
          return { asset_id: Number(row.id), name: s.name, version, publisher: s.publisher, arch: s.arch, origin: s.origin, source_package: null, source_version: null, extra: '{}' };
        });
        for (let j = 0; j < rows.length; j += 500) await trx.insertInto('asset_software').values(rows.slice(j, j + 500)).execute();
      }
    });
  }
  console.log(`${N} assets × ${software.length} packages inserted in ${Math.round(performance.now() - t)} ms`);

  const aliases = loadAliases();
  t = performance.now();
  const full = await runMatch(db, { aliases, now });
  const fullMs = performance.now() - t;
  const s = full.stats;
  console.log(`full match: ${Math.round(fullMs)} ms, ${s.software} rows (${Math.round(s.software / (fullMs / 1000))} rows/s), ${s.uniquePairs} unique pairs, ${s.findings.current} findings, peak-ish RSS ${rss()}`);

  const target = (await k.selectFrom('assets').select('id').where('hostname', '=', `bench-${Math.floor(N / 2)}`).executeTakeFirstOrThrow()).id;
  await k.updateTable('asset_software').set({ version: '3.0.11-1~deb12u1' }).where('asset_id', '=', target).where('name', '=', 'libssl3:amd64').execute();
  t = performance.now();
  const inc = await runMatch(db, { aliases, assetIds: [Number(target)], now: new Date().toISOString() });
  console.log(`incremental (one changed inventory): ${Math.round(performance.now() - t)} ms, ${inc.stats.findings.inserted} new finding(s), ${inc.stats.findings.fixed} fixed`);

  if (!args['skip-baseline']) {
    // Baseline: the same run with a per-row cache key, i.e. every software row matched on its own (no fleet cache).
    const { MatchCache } = await import('../server/matcher/pipeline.js');
    const originalGet = MatchCache.prototype.get;
    let calls = 0;
    MatchCache.prototype.get = function (this: InstanceType<typeof MatchCache>, item) {
      calls++;
      return originalGet.call(this, { ...item, key: `${item.key}#${calls}` });
    };
    t = performance.now();
    const base = await runMatch(db, { aliases, dryRun: true });
    const baseMs = performance.now() - t;
    MatchCache.prototype.get = originalGet;
    console.log(`baseline (no fleet cache, dry run): ${Math.round(baseMs)} ms, ${Math.round(base.stats.software / (baseMs / 1000))} rows/s; full match with cache is ${(baseMs / fullMs).toFixed(1)}× faster (and it also wrote findings)`);
  }
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
