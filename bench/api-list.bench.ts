/**
 * Assets-list API benchmark (the web UI's assets table): N assets seeded directly into a fresh database, then
 * GET /api/v1/assets over real HTTP (keep-alive) with the UI's typical queries: first page, a deep page
 * reached by cursor, newest first, name search, stale filter, OS filter. Authenticated by a session cookie,
 * as the browser does (one extra DB lookup per request compared with a bearer token, measured too).
 * Baseline, same run: the repository call behind the route (listAssets) without HTTP, auth or JSON.
 * Prints p50/p95 per query and the ratio to the baseline.
 *
 *   npm run bench -- api-list [--assets 50000] [--requests 100] [--db sqlite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { configSchema } from '../server/config/schema.js';
import { openDatabase, type Db } from '../server/db/index.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { listAssets } from '../server/db/repositories/assets.js';
import { createToken } from '../server/db/repositories/tokens.js';
import { createUser } from '../server/db/repositories/users.js';
import { buildApp } from '../server/http/app.js';

const { values: args } = parseArgs({
  options: { assets: { type: 'string', default: '50000' }, requests: { type: 'string', default: '100' }, db: { type: 'string', default: 'sqlite' } },
});
const N = Number(args.assets);
const R = Number(args.requests);

async function openFresh(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  if (args.db === 'postgres') {
    const adminUrl = process.env.VIGIE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `vigie_bench_${process.pid}`;
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`create database ${name}`);
    await a.end();
    const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
    const db = openDatabase(url);
    return {
      db,
      url,
      async drop() {
        await db.close();
        const b = new pg.Client({ connectionString: adminUrl });
        await b.connect();
        await b.query(`drop database if exists ${name} with (force)`);
        await b.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
  const url = `sqlite:${join(dir, 'vigie.db')}`;
  const db = openDatabase(url);
  return { db, url, drop: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const OSES = ['Debian GNU/Linux 12', 'Ubuntu 24.04 LTS', 'Microsoft Windows 11 Pro', 'Microsoft Windows Server 2022', 'Red Hat Enterprise Linux 9.4', 'macOS 15'];
const KINDS = ['computer', 'computer', 'computer', 'server', 'network', 'printer'];

async function seed(db: Db): Promise<void> {
  const now = Date.now();
  const rows = [];
  for (let i = 0; i < N; i++) {
    const seen = new Date(now - (i % 40) * 86_400_000 - (i % 1440) * 60_000).toISOString();
    rows.push({
      device_id: `host-${String(i).padStart(6, '0')}-2026-11-29-10-00-00`,
      hostname: `host-${String(i).padStart(6, '0')}`,
      kind: KINDS[i % KINDS.length]!,
      source_format: 'ocs-xml',
      os_name: OSES[i % OSES.length]!,
      os_full_name: OSES[i % OSES.length]!,
      ip_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      macs: '[]',
      status: 'active',
      software_count: 300 + (i % 900),
      first_seen_at: new Date(now - 90 * 86_400_000).toISOString(),
      last_seen_at: seen,
      last_inventory_at: seen,
      updated_at: seen,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('assets').values(rows.slice(i, i + 500)).execute();
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const fresh = await openFresh();
await migrateToLatest(fresh.db);
let t0 = performance.now();
await seed(fresh.db);
console.log(`seeded ${N} assets on ${fresh.db.dialect} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const config = configSchema.parse({ db: { url: fresh.url }, server: { logLevel: 'silent' }, jobs: { enabled: false } });
const app = await buildApp(config, { db: fresh.db, logger: false });
const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
const { token } = await createToken(fresh.db.kysely, 'bench', 'viewer');
await createUser(fresh.db.kysely, { username: 'bench', password: 'bench password 123', role: 'viewer' });
const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench password 123' }) });
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

// A cursor 50 pages deep, as a user paging through the table would hold.
let deep: string | undefined;
for (let p = 0; p < 50; p++) {
  const r = (await (await fetch(`${base}/api/v1/assets?limit=50${deep ? `&cursor=${deep}` : ''}`, { headers: { cookie } })).json()) as { nextCursor: string };
  deep = r.nextCursor;
}

const queries: [string, Record<string, string>][] = [
  ['first page (hostname)', {}],
  ['page 51 by cursor', { cursor: deep! }],
  ['newest first', { sort: '-lastSeen' }],
  ['name contains', { name: 'host-0123' }],
  ['stale only', { status: 'stale' }],
  ['OS contains', { os: 'windows' }],
];

console.log(`\n${R} requests per query, limit=50, one client, keep-alive`);
console.log('query'.padEnd(24), 'repo p50', 'repo p95', ' API p50', ' API p95', ' ×p95', ' token p95');
for (const [label, q] of queries) {
  const params = new URLSearchParams({ limit: '50', ...q });
  const repo: number[] = [];
  const http: number[] = [];
  const bearer: number[] = [];
  const filter = { limit: 50, sort: 'hostname', ...q } as Parameters<typeof listAssets>[1];
  for (let i = 0; i < 5; i++) await listAssets(fresh.db.kysely, filter, 7); // warm-up
  for (let i = 0; i < R; i++) {
    t0 = performance.now();
    await listAssets(fresh.db.kysely, filter, 7);
    repo.push(performance.now() - t0);
    t0 = performance.now();
    const res = await fetch(`${base}/api/v1/assets?${params}`, { headers: { cookie } });
    await res.arrayBuffer();
    http.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    t0 = performance.now();
    await (await fetch(`${base}/api/v1/assets?${params}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    bearer.push(performance.now() - t0);
  }
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(label.padEnd(24), f(pct(repo, 50)), f(pct(repo, 95)), f(pct(http, 50)), f(pct(http, 95)), (pct(http, 95) / pct(repo, 95)).toFixed(1).padStart(5), f(pct(bearer, 95)));
}
console.log('(milliseconds; ×p95 = API p95 / repository p95 of the same query)');
await app.close();
await fresh.drop();
