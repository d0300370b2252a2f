/**
 * Ingest benchmark: the real OCS agent inventory (909 packages, 364 KB) replayed as N distinct devices (DEVICEID,
 * hostname, serial, MACs and a few package versions rewritten per device) through PROLOG + INVENTORY, C concurrent
 * clients each on its own keep-alive connection, against `vigie server` in a child process. Phases: a warm-up
 * (other devices, not counted), first inventories, then updates. Prints inventories/s, p50/p99, the server's peak RSS, and checks afterwards that
 * every acknowledged inventory is in the database. Baseline, same run: a bare Node HTTP server that inflates the
 * body and answers like OCS without storing anything (the transport ceiling on this machine).
 *
 *   npm run bench -- ingest [--devices 1000] [--concurrency 16] [--db sqlite|postgres] [--warmup 64]
 *
 * Diagnostics: BENCH_SERVER_NODE_ARGS passes Node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=DIR", or
 * "--trace-gc" with BENCH_SERVER_STDOUT=1 to see the server's stdout, where V8 prints it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateSync, gunzipSync } from 'node:zlib';
import pg from 'pg';
import { Client } from 'undici';
import { openDatabase } from '../server/db/index.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    db: { type: 'string', default: 'sqlite' },
    warmup: { type: 'string', default: '64' },
  },
});
const N = Number(args.devices);
/** Devices sent (first inventory, then an update) before the measured phases, so that they measure a server whose
 * code V8 has compiled: without it the first phase also paid the JIT's start-up. Counted apart, verified too. */
const W = Number(args.warmup);
const C = Number(args.concurrency);
const ROOT = new URL('..', import.meta.url).pathname;
const SHARED = join(ROOT, '../shared');
const xml = gunzipSync(readFileSync(join(SHARED, 'corpus/agents/exchanges/ocs-full/002-req.xml.gz'))).toString('utf8');

// ---- payloads -------------------------------------------------------------------------------------------
const versionRe = /(<NAME>([^<]+)<\/NAME>\s*<PUBLISHER>[^<]*<\/PUBLISHER>\s*<VERSION>)([^<]+)(<\/VERSION>)/g;
const pkgs = [...xml.matchAll(versionRe)].map((m) => m[2]!);
const softwareCount = xml.split("<SOFTWARES>").length - 1;
function device(i: number, generation: number) {
  const id = `bench${String(i).padStart(6, '0')}`;
  const deviceId = `${id}-2026-11-29-10-00-00`;
  const mac = (n: number) => `00:16:3e:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}:${n.toString(16).padStart(2, '0')}`;
  let k = 0;
  let text = xml
    .replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${deviceId}</DEVICEID>`)
    .replace(/<NAME>vm<\/NAME>/, `<NAME>${id}</NAME>`)
    .replace(/<MACADDR>[^<]+<\/MACADDR>/g, () => `<MACADDR>${mac(k++)}</MACADDR>`)
    .replace('<BIOS>\n    </BIOS>', `<BIOS><SSN>SN${id}</SSN><SMANUFACTURER>Bench</SMANUFACTURER></BIOS>`);
  // a few package versions differ per device, and change again in the update generation
  const bump = new Set([pkgs[i % pkgs.length], pkgs[(i * 7) % pkgs.length], pkgs[(i * 13) % pkgs.length]]);
  text = text.replace(versionRe, (all, pre: string, name: string, version: string, post: string) => (bump.has(name) ? `${pre}${version}+b${i}.${generation}${post}` : all));
  const prolog = `<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST>\n  <DEVICEID>${deviceId}</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n</REQUEST>\n`;
  return { deviceId, prolog: deflateSync(prolog), inventory: deflateSync(text) };
}

// ---- servers --------------------------------------------------------------------------------------------
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createNetServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

/** CPU time (user + system, all threads) a process has used so far, in ms: a figure that holds on a loaded machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** CPU ms per thread of a process (name from /proc comm, e.g. node, WalCheckpoint…), to see which thread limits. */
function threadCpuMs(pid: number): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(tid, { name, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 });
    } catch {
      /* thread ended */
    }
  }
  return out;
}

/** CPU ms used so far by every PostgreSQL process on this machine (backends, WAL writer, checkpointer…): the
 * database's share of a phase, which the server's own CPU leaves out. 0 when none is visible. */
function postgresCpuMs(): number {
  let ms = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      ms += cpuMs(Number(pid));
    } catch {
      /* process ended */
    }
  }
  return ms;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

// A baseline server, in its own process like vigie: inflate the body, answer like OCS, store nothing.
const BASELINE_SRC = `
const http = require('node:http'); const zlib = require('node:zlib');
const prolog = zlib.deflateSync("<?xml version='1.0' encoding='UTF-8'?><REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>");
const inv = zlib.deflateSync("<?xml version='1.0' encoding='UTF-8'?><REPLY><RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE></REPLY>");
http.createServer((req, res) => { const parts = []; req.on('data', (c) => parts.push(c)); req.on('end', () => {
  if (req.method === 'GET') { res.end('ok'); return; }
  const text = zlib.inflateSync(Buffer.concat(parts)).toString('utf8');
  res.writeHead(200, { 'Content-Type': 'application/x-compressed' }); res.end(text.includes('<QUERY>PROLOG</QUERY>') ? prolog : inv); }); })
  .listen(Number(process.argv[1]), '127.0.0.1');`;

// ---- clients --------------------------------------------------------------------------------------------
// undici rather than node:http: the clients share the server's two cores, and node:http cost them ~1.6 ms of CPU per
// PROLOG + INVENTORY, which this run would have counted against the server.
const HEADERS = { 'Content-Type': 'application/x-compress', 'User-Agent': 'OCS-NG_unified_unix_agent_v2.10.0' };
async function post(client: Client, path: string, body: Buffer): Promise<{ status: number; body: Buffer }> {
  const res = await client.request({ path, method: 'POST', headers: { ...HEADERS, 'Content-Length': String(body.length) }, body });
  return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
}

interface PhaseResult { perSecond: number; p50: number; p99: number; acked: Set<string>; failed: number; seconds: number; cpuMsPerInventory: number; clientCpuMs: number; postgresCpuMs: number; threads: string }

async function phase(port: number, path: string, payloads: ReturnType<typeof device>[], pid: number): Promise<PhaseResult> {
  const cpu0 = cpuMs(pid);
  const pg0 = postgresCpuMs();
  const threads0 = threadCpuMs(pid);
  const client0 = process.cpuUsage();
  let next = 0;
  const latencies: number[] = [];
  const acked = new Set<string>();
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 }); // one keep-alive connection per client, like an agent
      for (;;) {
        const i = next++;
        if (i >= payloads.length) break;
        const p = payloads[i]!;
        const t0 = performance.now();
        const a = await post(client, path, p.prolog);
        const b = a.status === 200 ? await post(client, path, p.inventory) : a;
        latencies.push(performance.now() - t0);
        if (b.status === 200) acked.add(p.deviceId);
        else failed++;
      }
      await client.close();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]!;
  // The busiest threads, in CPU ms per inventory and share of the phase's wall time (100% = one core saturated).
  const threads = [...threadCpuMs(pid)]
    .map(([tid, t]) => ({ name: `${t.name}/${tid}`, ms: t.ms - (threads0.get(tid)?.ms ?? 0) }))
    .filter((t) => t.ms > 0)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 4)
    .map((t) => `${t.name} ${(t.ms / payloads.length).toFixed(1)} ms (${((100 * t.ms) / (seconds * 1000)).toFixed(0)}%)`)
    .join(', ');
  const client = process.cpuUsage(client0);
  const clientCpuMs = (client.user + client.system) / 1000 / payloads.length;
  return { perSecond: payloads.length / seconds, p50: q(0.5), p99: q(0.99), acked, failed, seconds, cpuMsPerInventory: (cpuMs(pid) - cpu0) / payloads.length, clientCpuMs, postgresCpuMs: (postgresCpuMs() - pg0) / payloads.length, threads };
}

// ---- main -----------------------------------------------------------------------------------------------
console.log(`ingest bench: ${N} devices × (PROLOG + INVENTORY of ${(xml.length / 1024).toFixed(0)} KB, ${softwareCount} packages), C=${C}, db=${args.db}`);
const t = performance.now();
const first = Array.from({ length: N }, (_, i) => device(i, 0));
const update = Array.from({ length: N }, (_, i) => device(i, 1));
const warmFirst = Array.from({ length: W }, (_, i) => device(N + i, 0));
const warmUpdate = Array.from({ length: W }, (_, i) => device(N + i, 1));
console.log(`payloads prepared in ${((performance.now() - t) / 1000).toFixed(1)} s (${(first[0]!.inventory.length / 1024).toFixed(0)} KB compressed each)`);

const basePort = await freePort();
const baseline = spawn(process.execPath, ['-e', BASELINE_SRC, String(basePort)], { stdio: 'inherit' });
await waitFor(`http://127.0.0.1:${basePort}/`, baseline);
const b1 = await phase(basePort, '/ocsinventory', first, baseline.pid!);
baseline.kill();

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
let dbUrl = `sqlite:${join(dir, 'bench.db')}`;
let pgName: string | null = null;
if (args.db === 'postgres') {
  pgName = `vigie_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`create database ${pgName}`);
  await admin.end();
  dbUrl = `postgres://postgres@127.0.0.1:5432/${pgName}`;
}
const port = await freePort();
const server = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', import.meta.resolve('tsx'), join(ROOT, 'server/cli/main.ts'), 'server', '--host', '127.0.0.1', '--port', String(port)], {
  cwd: dir,
  stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  env: { ...process.env, VIGIE_DB_URL: dbUrl, VIGIE_SERVER_LOG_LEVEL: 'warn', VIGIE_AGENTS_RATE_LIMIT_PER_MINUTE: '100000000', VIGIE_DB_POOL_SIZE: String(C + 4) },
});
await waitFor(`http://127.0.0.1:${port}/healthz`, server);


const w1 = await phase(port, '/ocsinventory', warmFirst, server.pid!);
const w2 = await phase(port, '/ocsinventory', warmUpdate, server.pid!);
const r1 = await phase(port, '/ocsinventory', first, server.pid!);
const r2 = await phase(port, '/ocsinventory', update, server.pid!);
const rss = peakRssMb(server.pid!);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));

// ---- verification: every acknowledged inventory is in the database ---------------------------------------
const db = openDatabase(dbUrl);
const rows = await db.kysely.selectFrom('assets').select(['device_id', 'software_count']).execute();
const stored = new Map(rows.map((r) => [r.device_id, r.software_count]));
const swRows = await db.kysely.selectFrom('asset_software').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
const bumped = await db.kysely.selectFrom('asset_software').select((eb) => eb.fn.countAll<number>().as('n')).where('version', 'like', '%.1').where('version', 'like', '%+b%').executeTakeFirstOrThrow();
await db.close();
let lost = 0;
for (const id of new Set([...w1.acked, ...w2.acked, ...r1.acked, ...r2.acked])) if (stored.get(id) !== softwareCount) lost++;
if (pgName) {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`drop database if exists ${pgName} with (force)`);
  await admin.end();
}
rmSync(dir, { recursive: true, force: true });

const fmt = (r: PhaseResult) =>
  `${r.perSecond.toFixed(1).padStart(7)} inv/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  server CPU ${r.cpuMsPerInventory.toFixed(1).padStart(5)} ms/inv  (${r.seconds.toFixed(1)} s, ${r.failed} failed)`;
console.log('');
console.log(`baseline (inflate + fixed reply, no storage): ${fmt(b1)}`);
if (W) console.log(`vigie warm-up, ${W} other devices (first inventory, then update), not counted below: ${(w1.perSecond).toFixed(1)} / ${w2.perSecond.toFixed(1)} inv/s`);
console.log(`vigie first inventories:                     ${fmt(r1)}   ratio to baseline ${(r1.perSecond / b1.perSecond).toFixed(2)}`);
console.log(`vigie updates:                               ${fmt(r2)}   ratio to baseline ${(r2.perSecond / b1.perSecond).toFixed(2)}`);
console.log(`  the clients (this process, same 2 cores): ${r1.clientCpuMs.toFixed(1)} / ${r2.clientCpuMs.toFixed(1)} ms CPU per first inventory / update`);
if (args.db === 'postgres') console.log(`  PostgreSQL processes (same 2 cores): ${r1.postgresCpuMs.toFixed(1)} / ${r2.postgresCpuMs.toFixed(1)} ms CPU per first inventory / update`);
console.log(`  threads, first inventories: ${r1.threads}`);
console.log(`  threads, updates:           ${r2.threads}`);
console.log(`vigie peak RSS: ${rss.toFixed(0)} MB`);
console.log(`stored: ${stored.size} assets, ${Number(swRows.n)} software rows, ${Number(bumped.n)} rows carry an update-generation version`);
console.log(`acknowledged: ${r1.acked.size} first + ${r2.acked.size} updates (+ ${w1.acked.size} + ${w2.acked.size} warm-up); lost (acknowledged but not fully stored): ${lost}`);
console.log(`vs OCS Inventory server 2.8 on this machine (1.4 inv/s with 1 client, ~2/s with 8): ×${(r1.perSecond / 2).toFixed(0)} on first inventories`);
// PostgreSQL's goal is "within 2×" of SQLite's.
const slack = args.db === 'postgres' ? 2 : 1;
const goals = [
  [`first inventories ≥ ${200 / slack}/s`, r1.perSecond >= 200 / slack],
  [`updates ≥ ${250 / slack}/s`, r2.perSecond >= 250 / slack],
  ['RSS < 400 MB', rss < 400],
  ['zero lost', lost === 0 && r1.failed === 0 && r2.failed === 0 && w1.failed === 0 && w2.failed === 0],
] as const;
console.log(`goals (${args.db === 'postgres' ? 'PostgreSQL: within 2× of SQLite\'s' : 'SQLite'}): ` + goals.map(([g, ok]) => `${ok ? 'PASS' : 'MISS'} ${g}`).join(' · '));
process.exit(lost ? 1 : 0);
