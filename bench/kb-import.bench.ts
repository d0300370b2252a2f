/**
 * KB import benchmark (issue 8): a real NVD year feed imported into a fresh database — records/s and peak RSS —
 * against a baseline of just gunzip + JSON.parse of the same file, each phase in its own child process so its
 * peak RSS is its own (process.resourceUsage().maxRSS). Then every file of ../shared/data is imported (the "Must
 * show" figure: time, records, peak RSS, DB size; goal < 3 min and < 1 GB each), into SQLite and PostgreSQL.
 *
 *   npm run bench -- kb-import [--db sqlite|postgres|both] [--feed nvd-api2/vulnz-by-published-year/nvdcve-2014.json.gz] [--quick]
 *
 * --quick skips the whole-data import. The machine may be shared: compare the ratios to the baseline of the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    feed: { type: 'string', default: 'nvd-api2/vulnz-by-published-year/nvdcve-2014.json.gz' },
    db: { type: 'string', default: 'both' },
    all: { type: 'boolean', default: true }, // kept for older command lines: the whole-data import is the default
    quick: { type: 'boolean', default: false },
    phase: { type: 'string' },
    url: { type: 'string' },
  },
});
const ROOT = new URL('..', import.meta.url).pathname;
const DATA = join(ROOT, '../shared/data');
const PG_ADMIN = process.env.VIGIE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// ---- child phases -------------------------------------------------------------------------------------------
if (args.phase === 'baseline') {
  const t0 = performance.now();
  const doc = JSON.parse(gunzipSync(readFileSync(join(DATA, args.feed!))).toString('utf8')) as { vulnerabilities?: unknown[]; CVE_Items?: unknown[] };
  const n = (doc.vulnerabilities ?? doc.CVE_Items ?? []).length;
  console.log(JSON.stringify({ records: n, ms: performance.now() - t0, maxRssMb: maxRssMb() }));
  process.exit(0);
}
if (args.phase === 'import' || args.phase === 'import-all') {
  const { openDatabase } = await import('../server/db/index.js');
  const { migrateToLatest } = await import('../server/db/migrate.js');
  const { expandPaths, importFile } = await import('../server/kb/import.js');
  const db = openDatabase(args.url!, { poolSize: 4 });
  await migrateToLatest(db);
  const files = args.phase === 'import-all' ? expandPaths([DATA]) : [join(DATA, args.feed!)];
  const t0 = performance.now();
  let records = 0;
  let rules = 0;
  let problems = 0;
  const perSource: Record<string, number> = {};
  for (const f of files) {
    const r = await importFile(db, f);
    records += r.records;
    rules += r.rules;
    problems += r.problems;
    if (r.importer) perSource[r.importer] = (perSource[r.importer] ?? 0) + r.records;
    if (r.status === 'failed' || r.status === 'unrecognised') console.error(`${f}: ${r.status} ${r.error ?? ''}`);
  }
  const ms = performance.now() - t0;
  const count = async (t: 'vulnerabilities' | 'vulnerability_rules' | 'distro_fixes' | 'package_sources') => Number((await db.kysely.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const tables = { vulnerabilities: await count('vulnerabilities'), rules: await count('vulnerability_rules'), distroFixes: await count('distro_fixes'), packageSources: await count('package_sources') };
  await db.close();
  console.log(JSON.stringify({ files: files.length, records, rules, problems, ms, maxRssMb: maxRssMb(), perSource, tables }));
  process.exit(0);
}

// ---- driver -------------------------------------------------------------------------------------------------
function child(phase: string, extra: string[] = []): Record<string, number> & { perSource?: Record<string, number>; tables?: Record<string, number> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--phase', phase, '--feed', args.feed!, ...extra], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${phase} failed: ${r.stderr}`);
  if (r.stderr.trim()) console.error(r.stderr.trim());
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

async function freshDb(dialect: string): Promise<{ url: string; size(): Promise<number>; drop(): Promise<void> }> {
  if (dialect === 'postgres') {
    const name = `vigie_bench_kb_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
    return {
      url,
      async size() {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        const r = await c.query<{ n: string }>('select pg_database_size(current_database()) as n');
        await c.end();
        return Number(r.rows[0]!.n);
      },
      async drop() {
        const a = new pg.Client({ connectionString: PG_ADMIN });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-kb-'));
  const file = join(dir, 'kb.db');
  return {
    url: `sqlite:${file}`,
    size: async () => statSync(file).size + (statSync(file + '-wal', { throwIfNoEntry: false })?.size ?? 0),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const dialects = args.db === 'both' ? ['sqlite', 'postgres'] : [args.db!];
const whole = args.all && !args.quick;
console.log(`kb-import bench on ${dialects.join(' + ')}, feed ${args.feed} (${(statSync(join(DATA, args.feed!)).size / 1e6).toFixed(1)} MB gz)${whole ? ', then all of ../shared/data' : ''}`);
const base = child('baseline');
const baseRate = (base.records! / base.ms!) * 1000;
console.log(`baseline gunzip+JSON.parse: ${fmt(base.records!)} records in ${fmt(base.ms!)} ms = ${fmt(baseRate)} records/s, peak RSS ${base.maxRssMb} MB`);
const summary: string[] = [];
for (const dialect of dialects) {
  {
    const db = await freshDb(dialect);
    try {
      const r = child('import', ['--url', db.url]);
      console.log(`import into ${dialect}: ${fmt(r.records!)} records, ${fmt(r.rules!)} rules in ${fmt(r.ms!)} ms = ${fmt((r.records! / r.ms!) * 1000)} records/s, peak RSS ${r.maxRssMb} MB, DB ${(await db.size() / 1e6).toFixed(0)} MB`);
      console.log(`  ratio: import takes ${(r.ms! / base.ms!).toFixed(1)}× the time of parsing alone; peak RSS ${(r.maxRssMb! / base.maxRssMb!).toFixed(2)}× (streamed, one batch at a time)`);
    } finally {
      await db.drop();
    }
  }
  if (whole) {
    const db = await freshDb(dialect);
    try {
      const r = child('import-all', ['--url', db.url]);
      const rate = (r.records! / r.ms!) * 1000;
      const line = `all of ../shared/data into ${dialect}: ${r.files} files, ${fmt(r.records!)} records, ${fmt(r.rules!)} rules, ${fmt(r.problems!)} problems in ${(r.ms! / 1000).toFixed(1)} s = ${fmt(rate)} records/s (${(rate / baseRate).toFixed(2)}× the baseline's parse rate), peak RSS ${r.maxRssMb} MB, DB ${(await db.size() / 1e6).toFixed(0)} MB; goal < 180 s and < 1,024 MB: ${r.ms! < 180_000 && r.maxRssMb! < 1024 ? 'met' : 'NOT met'}`;
      console.log(line);
      console.log(`  per source: ${JSON.stringify(r.perSource)}`);
      console.log(`  tables: ${JSON.stringify(r.tables)}`);
      summary.push(line);
    } finally {
      await db.drop();
    }
  }
}
if (summary.length > 1) console.log(`summary:\n  ${summary.join('\n  ')}`);
