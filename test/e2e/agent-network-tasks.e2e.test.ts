/**
 * FusionInventory network tasks end to end: the real Debian `fusioninventory-agent` (with
 * fusioninventory-agent-task-network) reports to a live `vigie server` on 127.0.0.1; snmpsim serves three recordings
 * of ../shared/corpus/snmp/dev on 127.0.0.1 (community = recording name). Vigie's PROLOG reply hands the agent its
 * NETDISCOVERY and SNMPQUERY tasks from `snmp.agentTasks` (only once the agent is a known asset); the devices the
 * agent reports are stored like Vigie's own scan results and read back through the API, where vendor, OS, version,
 * model and serial must match expected.json. One device answers only a task's second credential set: its discovery
 * says so (AUTHSNMP=2), and the next run's SNMPQUERY names that set, so NetInventory reads it. Every dialect;
 * loopback only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { configSchema } from '../../server/config/schema.js';
import { createToken } from '../../server/db/repositories/tokens.js';
import { buildApp } from '../../server/http/app.js';
import { agentHost } from '../../server/snmp/agent-tasks.js';
import { hasCommand, hasShared, skipUnless } from '../helpers/components.js';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../helpers/db.js';
import { judge, loadExpected, SNMP_DEV } from '../helpers/snmp-score.js';
import { hasSnmpsim, startSnmpsim, type Simulator } from '../helpers/snmpsim.js';

const run = promisify(execFile);
const TASK_NETWORK = '/usr/share/fusioninventory/lib/FusionInventory/Agent/Task/NetInventory.pm';
const skip = skipUnless(
  hasShared && hasSnmpsim() && hasCommand('fusioninventory-agent') && existsSync(TASK_NETWORK),
  'snmpsim, ../shared/corpus/snmp/dev, fusioninventory-agent and fusioninventory-agent-task-network are needed (apt-get install fusioninventory-agent-task-network)',
);
/** Two devices of different vendors: IOS-XE (model/serial from the chassis component), Junos (model from sysDescr). */
const RECORDINGS = ['iosxe_isr4321', 'junos_qfx5100'];
/** Served under a community only the second credential set of task lab-second knows (its first one nobody serves). */
const SECOND = 'arista_eos_vrf';
/** The agent's host name as its DEVICEID will carry it (FusionInventory: the short host name). */
const HOST = hostname().split('.')[0]!.toLowerCase();

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string | null; kind: string; vendor: string | null; model: string | null; serial: string | null; os: { name: string | null; version: string | null }; deviceId: string | null; sourceFormat: string; userAgent: string | null }
interface Receipt { query: string | null; outcome: string; deviceId: string | null; assetId: number | null; userAgent: string | null; protocol: string }

let sim: Simulator | null = null;
let data = '';
before(async () => {
  if (skip) return;
  data = mkdtempSync(join(tmpdir(), 'vigie-fusion-net-'));
  for (const r of [...RECORDINGS, SECOND]) symlinkSync(`${SNMP_DEV}${r}.snmprec`, join(data, `${r}.snmprec`));
  sim = await startSnmpsim(data);
});
after(async () => {
  await sim?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
});

for (const dialect of testDialects()) {
  describe(`FusionInventory netdiscovery + netinventory against vigie server on ${dialect}`, { skip: skip || (await dialectSkip(dialect)) }, () => {
    let tdb: TestDb;
    let app: Awaited<ReturnType<typeof buildApp>>;
    let base: string;
    let token: string;
    const api = async <T>(path: string): Promise<T> => {
      const res = await app.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as T;
    };
    const agent = (extra: string[]) => run('fusioninventory-agent', ['--server', `${base}/`, '--no-httpd', '--logger=stderr', '--debug', ...extra], { timeout: 300_000 });

    before(async () => {
      tdb = await createTestDb(dialect);
      const config = configSchema.parse({
        db: { url: tdb.url },
        server: { logLevel: 'silent' },
        agents: { rateLimitPerMinute: 100_000 },
        // The recordings anonymise sysName to "<private>": without this both devices would be one asset by host name.
        identity: { order: ['agentId', 'deviceId', 'uuid', 'serial', 'macs'] },
        snmp: {
          allowedTargets: ['127.0.0.0/8'],
          credentials: [...RECORDINGS, SECOND].map((r) => ({ name: r, version: 'v2c', community: r })).concat({ name: 'unanswered', version: 'v2c', community: 'served-nowhere' }),
          agentTasks: [
            { name: 'lab-isr', agents: [HOST], discover: ['127.0.0.1-127.0.0.1'], inventory: ['127.0.0.1'], credentials: ['iosxe_isr4321'], port: sim!.port, threads: 1, timeoutSeconds: 5 },
            { name: 'lab-qfx', agents: [`${HOST.slice(0, 1)}*`], inventory: ['127.0.0.1'], credentials: ['junos_qfx5100'], port: sim!.port, threads: 1, timeoutSeconds: 5 },
            // the first set gets no answer: discovery finds the device with the second, inventory must use it too
            { name: 'lab-second', agents: [HOST], discover: ['127.0.0.1-127.0.0.1'], inventory: ['127.0.0.1'], credentials: ['unanswered', SECOND], port: sim!.port, threads: 1, timeoutSeconds: 1 },
            // another agent's task: never sent to this one
            { name: 'elsewhere', agents: ['branch-*'], inventory: ['127.0.0.9'], credentials: ['iosxe_isr4321'], port: sim!.port },
          ],
        },
      });
      app = await buildApp(config, { db: tdb.db, logger: false });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
      token = (await createToken(tdb.db.kysely, 'test')).token;
    });
    after(async () => {
      await app?.close();
      await tdb?.drop();
    });

    test('unknown agent: PROLOG without tasks; known agent: tasks run and devices stored with vendor/model/serial/firmware', { timeout: 600_000 }, async () => {
      // an agent nobody inventoried gets no SNMP secrets
      const prolog = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/xml' }, payload: `<?xml version="1.0"?><REQUEST><DEVICEID>${HOST}-2020-01-01-00-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>` });
      assert.equal(prolog.statusCode, 200);
      assert.match(prolog.body, /<RESPONSE>SEND<\/RESPONSE>/);
      assert.doesNotMatch(prolog.body, /OPTION|COMMUNITY/);

      // first run: the agent inventories this machine (its PROLOG was answered without tasks: not known yet)
      await agent(['--tasks=inventory,netdiscovery,netinventory', '--force', '--no-category=software,process,environment']);
      let assets = (await api<Page<Asset>>('/assets?limit=100')).items;
      assert.equal(assets.length, 1, `only the agent's machine after the first run: ${JSON.stringify(assets.map((a) => a.hostname))}`);
      const agentDeviceId = assets[0]!.deviceId!;
      assert.equal(agentHost(agentDeviceId), HOST, `the agent's DEVICEID ${agentDeviceId} names host ${HOST}`);

      // second run: known, so the PROLOG reply carries NETDISCOVERY + SNMPQUERY; the agent sweeps and inventories
      const started = Date.now();
      const { stderr } = await agent(['--tasks=netdiscovery,netinventory']);
      const seconds = (Date.now() - started) / 1000;
      assert.match(stderr, /running task NetDiscovery/, 'NetDiscovery ran');
      assert.match(stderr, /running task NetInventory/, 'NetInventory ran');
      assert.doesNotMatch(stderr, /127\.0\.0\.9/, "the other agent's task was not sent");

      assets = (await api<Page<Asset>>('/assets?limit=100')).items;
      const devices = assets.filter((a) => a.deviceId !== agentDeviceId);
      assert.equal(devices.length, 3, `three devices stored: ${JSON.stringify(devices)}`);
      const expected = loadExpected();
      const serials: Record<string, string> = { iosxe_isr4321: 'FDO2249A154', junos_qfx5100: 'TA3716123456', [SECOND]: expected[SECOND]!.serial! };
      /** The device's asset, inventoried by the agent's SNMPQUERY, against expected.json. */
      const inventoried = async (rec: string, among: Asset[]): Promise<Asset> => {
        const a = among.find((d) => d.serial === serials[rec]);
        assert.ok(a, `${rec}: a device with serial ${serials[rec]} (${JSON.stringify(among.map((d) => d.serial))})`);
        const detail = await api<{ sections: Record<string, unknown> }>(`/assets/${a.id}`);
        const snmp = (detail.sections.snmp as { osId: string | null; reportedBy?: string }[])[0]!;
        const found = { vendor: a.vendor, osId: snmp.osId, version: a.os.version, rawVersion: a.os.version, model: a.model, serial: a.serial };
        const verdict = judge(expected[rec]!, found, (o) => o);
        console.log(`${rec}: ${JSON.stringify(found)} → ${JSON.stringify(verdict)}`);
        assert.deepEqual(verdict, { vendor: true, os: true, version: true, model: true, serial: true }, `${rec} against expected.json`);
        assert.equal(a.kind, 'network');
        assert.equal(a.sourceFormat, 'snmp');
        assert.match(a.userAgent ?? '', /^FusionInventory-Agent_v/, 'the agent is the source');
        assert.equal(snmp.reportedBy, agentDeviceId);
        const receipts = (await api<Page<Receipt>>(`/receipts?assetId=${a.id}&limit=50`)).items;
        assert.ok(receipts.some((r) => r.query === 'SNMPQUERY' && r.outcome === 'accepted' && r.deviceId === agentDeviceId && r.protocol === 'ocs'), `${rec}: SNMPQUERY receipt from the agent`);
        // the firmware is a software row the matcher reads, with the definition's CPE
        const sw = (await api<Page<{ name: string; version: string | null; origin: string; extra: Record<string, string> }>>(`/assets/${a.id}/software?limit=10`)).items;
        assert.ok(sw.some((s) => s.origin === 'os' && s.version === a.os.version && s.extra.cpe?.includes(a.os.version!.toLowerCase())), `${rec}: OS row with CPE ${JSON.stringify(sw)}`);
        return a;
      };
      const [isr, qfx] = [await inventoried('iosxe_isr4321', devices), await inventoried('junos_qfx5100', devices)];
      // the discovery found the ISR first (created it), the inventory then completed the same asset
      const isrReceipts = (await api<Page<Receipt>>(`/receipts?assetId=${isr.id}&limit=50`)).items;
      assert.ok(isrReceipts.some((r) => r.query === 'NETDISCOVERY' && r.outcome === 'accepted'), 'NETDISCOVERY stored the ISR');
      // the third device answered lab-second's discovery with its second set only; this run's SNMPQUERY (sent before
      // that discovery) named the first set, so NetInventory got no answer: discovered, not inventoried yet
      const second = devices.find((d) => d.id !== isr.id && d.id !== qfx.id)!;
      const secondReceipts = async () => (await api<Page<Receipt>>(`/receipts?assetId=${second.id}&limit=50`)).items.map((r) => `${r.query}:${r.outcome}`);
      const secondModules = async () => ((await api<{ sections: { modules?: { class: string; serial: string | null }[] } }>(`/assets/${second.id}`)).sections.modules ?? []);
      assert.deepEqual(await secondReceipts(), ['NETDISCOVERY:accepted'], `${SECOND}: discovery only after the first run with tasks`);
      assert.deepEqual(await secondModules(), [], 'a discovery reports no components');
      const answered = await tdb.db.kysely.selectFrom('snmp_agent_credentials').select(['task', 'address', 'credential', 'reported_by']).orderBy('task').execute();
      assert.deepEqual(answered, [
        { task: 'lab-isr', address: '127.0.0.1', credential: 'iosxe_isr4321', reported_by: agentDeviceId },
        { task: 'lab-second', address: '127.0.0.1', credential: SECOND, reported_by: agentDeviceId },
      ], 'the set each discovery says answered, per task');
      const all = (await api<Page<Receipt>>('/receipts?limit=200')).items;
      assert.deepEqual(all.filter((r) => r.outcome === 'rejected'), [], 'no rejected message');
      console.log(`agent network tasks (${dialect}): 3 devices in ${seconds.toFixed(1)} s of agent run`);

      // a third run: the SNMPQUERY of lab-second names the set its discovery found (AUTHSNMP_ID 2), so the device is
      // inventoried in full on the asset its discovery created; the other two change nothing (a discovery of a known
      // device only touches it)
      const changesOf = async (id: number) => (await api<Page<{ kind: string }>>(`/assets/${id}/changes?limit=500`)).items.map((c) => c.kind);
      const before = new Map(await Promise.all([isr, qfx].map(async (d) => [d.id, await changesOf(d.id)] as const)));
      await agent(['--tasks=netdiscovery,netinventory']);
      const again = (await api<Page<Asset>>('/assets?limit=100')).items.filter((a) => a.deviceId !== agentDeviceId);
      assert.deepEqual(again.map((a) => a.id).sort(), devices.map((a) => a.id).sort());
      for (const d of [isr, qfx]) assert.deepEqual(await changesOf(d.id), before.get(d.id), `no change recorded on ${d.serial} by an identical run`);
      assert.equal((await inventoried(SECOND, again)).id, second.id, `${SECOND}: inventoried on the asset its discovery created`);
      assert.ok((await secondReceipts()).includes('SNMPQUERY:accepted'));
      const modules = await secondModules();
      assert.ok(modules.some((m) => m.class === 'chassis' && m.serial === serials[SECOND]), `${SECOND}: the inventory brings its components (ENTITY-MIB), chassis first: ${JSON.stringify(modules.slice(0, 2))}`);
    });
  });
}
