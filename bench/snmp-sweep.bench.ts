/**
 * SNMP sweep benchmark (issue 3 "Must show"): snmpsim serves N simulated agents on 127.0.0.2–127.0.0.(N+1)
 * (`serve.sh sweep`, community `public`, a different dev recording per address). Measures, in this run:
 *   1. Vigie discovery of the range (credential sets tried in order: a wrong community first, then public),
 *   2. Vigie full inventory of every responder (system, fingerprint, IF/IP/ENTITY/LLDP/CDP/HOST-RESOURCES),
 *   3. the peer, `fusioninventory-netdiscovery` over the same range (same timeout, --threads as given),
 * and prints times, agents found, this process's peak RSS and the peer/Vigie discovery ratio.
 * Goals: discovery ≥ 10× faster than the peer, RSS < 200 MB. Loopback only.
 *
 *   npm run bench -- snmp-sweep [--agents 254] [--concurrency 64] [--peer-threads 8] [--no-peer]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { collectInventory } from '../server/snmp/collect.js';
import { discover } from '../server/snmp/discover.js';
import { fingerprints } from '../server/snmp/fingerprint/load.js';
import { Limiter } from '../server/snmp/limiter.js';
import { SnmpSession } from '../server/snmp/session.js';
import { isLoopback, parseTargets } from '../server/snmp/targets.js';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '254' },
    concurrency: { type: 'string', default: '64' },
    'peer-threads': { type: 'string', default: '8' },
    'no-peer': { type: 'boolean', default: false },
    port: { type: 'string', default: String(20000 + Math.floor(Math.random() * 20000)) },
  },
});
const N = Number(args.agents);
const PORT = Number(args.port);
const ROOT = new URL('..', import.meta.url).pathname;
const SERVE = join(ROOT, '../shared/snmp/serve.sh');
const DEV = join(ROOT, '../shared/corpus/snmp/dev');
const last = `127.0.0.${N + 1}`;
const state = mkdtempSync(join(tmpdir(), 'vigie-bench-snmpsim-'));
const env = { ...process.env, SNMPSIM_STATE: state };
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

console.log(`snmp-sweep: ${N} simulated agents on 127.0.0.2-${last}:${PORT}`);
let t = Date.now();
await run('bash', [SERVE, 'sweep', DEV, String(N), String(PORT)], { env, timeout: 600_000 });
console.log(`  snmpsim up in ${((Date.now() - t) / 1000).toFixed(1)} s`);
try {
  const targets = parseTargets([`127.0.0.2-${last}`], PORT);
  if (!targets.every((x) => isLoopback(x.host))) throw new Error('loopback only');
  const data = fingerprints();
  const session = { timeoutMs: 1000, retries: 1, maxRepetitions: 25 };
  const creds = [{ name: 'wrong', version: 'v2c' as const, community: 'not-this-one' }, { name: 'lab', version: 'v2c' as const, community: 'public' }];

  // same work as the peer: one community
  t = Date.now();
  const same = await discover(targets, creds.slice(1), data, { concurrency: Number(args.concurrency), session });
  const discoverMs = Date.now() - t;
  console.log(`  vigie discovery: ${same.length}/${N} agents in ${(discoverMs / 1000).toFixed(2)} s (community public, as the peer)`);
  // realistic: the first credential set is wrong everywhere, so every address waits for its timeout once
  t = Date.now();
  const found = await discover(targets, creds, data, { concurrency: Number(args.concurrency), session });
  console.log(`  vigie discovery, wrong set first: ${found.length}/${N} agents in ${((Date.now() - t) / 1000).toFixed(2)} s (timeout ${session.timeoutMs} ms x ${session.retries + 1} tries)`);

  t = Date.now();
  const global = new Limiter(32);
  const perDevice = new Limiter(16);
  let interfaces = 0;
  let identified = 0;
  await Promise.all(
    found.map((a) =>
      perDevice.run(async () => {
        const s = new SnmpSession({ host: a.host, port: a.port }, creds[a.credentialIndex]!, { ...session, timeoutMs: 3000 }, global, 2);
        try {
          const inv = await collectInventory(s, data);
          interfaces += inv.interfaces.length;
          if (inv.osId) identified++;
        } finally {
          s.close();
        }
      }),
    ),
  );
  const inventoryMs = Date.now() - t;
  console.log(`  vigie full inventory: ${found.length} devices in ${(inventoryMs / 1000).toFixed(2)} s (${(inventoryMs / Math.max(found.length, 1)).toFixed(0)} ms/device wall), ${identified} identified, ${interfaces} interfaces`);
  const rss = process.resourceUsage().maxRSS;
  console.log(`  vigie peak RSS: ${mb(rss)} (goal < 200 MB) ${rss < 200 * 1024 ? 'OK' : 'OVER'}`);

  if (!args['no-peer']) {
    const out = mkdtempSync(join(tmpdir(), 'vigie-bench-peer-'));
    t = Date.now();
    const r = await run('/usr/bin/time', ['-f', '%M', 'fusioninventory-netdiscovery', '--first', '127.0.0.2', '--last', last, '--port', String(PORT), '--community', 'public', '--timeout', '1', '--threads', String(args['peer-threads']), '--save', out], { timeout: 3_600_000, maxBuffer: 256 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
    const peerMs = Date.now() - t;
    // --save writes one netdiscovery XML per responding address
    const peerFound = existsSync(join(out, 'netdiscovery')) ? readdirSync(join(out, 'netdiscovery')).filter((f) => f.endsWith('.xml')).length : (r.stdout.match(/<DEVICE>/g) ?? []).length;
    const peerRss = Number(r.stderr.trim().split('\n').pop());
    console.log(`  peer fusioninventory-netdiscovery (--threads ${args['peer-threads']}): ${peerFound || '?'} agents in ${(peerMs / 1000).toFixed(2)} s, RSS ${Number.isFinite(peerRss) ? mb(peerRss) : '?'}`);
    const ratio = peerMs / discoverMs;
    console.log(`  discovery ratio peer/vigie: ${ratio.toFixed(1)}x (goal >= 10x) ${ratio >= 10 ? 'OK' : 'BELOW'}`);
  }
} finally {
  await run('bash', [SERVE, 'stop', String(PORT)], { env }).catch(() => undefined);
}
