/**
 * Agent network tasks: which agent gets which task, the credential sets the agent can use, the config checks, the
 * PROLOG OPTION elements as FusionInventory 2.6 itself reads them (its XML::Response parser, run with perl), and the
 * credential set a NETDISCOVERY report says answered, named by the next SNMPQUERY (every dialect).
 * The whole exchange with the real agent and snmpsim is test/e2e/agent-network-tasks.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { configSchema } from '../config/schema.js';
import { createTestDb, dialectSkip, testDialects } from '../../test/helpers/db.js';
import { startTestServer } from '../../test/helpers/app.js';
import { hasShared, SHARED, skipUnless } from '../../test/helpers/components.js';
import { limitsOf } from '../http/agents/exchange.js';
import { parseOcsMessage } from '../inventory/formats/ocs-xml.js';
import { Ingestor } from '../inventory/ingest.js';
import { agentHost, answeredIds, authentication, discoveryPid, inventoryPid, prologOptions, storeReported, tasksFor } from './agent-tasks.js';
import { fingerprints } from './fingerprint/load.js';
import { fromGlpiNetInventory } from './from-glpi-json.js';

const FUSION_LIB = '/usr/share/fusioninventory/lib';

test('agentHost and tasksFor: host names from the DEVICEID, * globs, case-insensitive', () => {
  assert.equal(agentHost('Paris-PC12-2026-11-28-17-52-17'), 'paris-pc12');
  assert.equal(agentHost('no-date-suffix'), 'no-date-suffix');
  const tasks = configSchema.parse({
    db: { url: 'sqlite::memory:' },
    snmp: { agentTasks: [{ name: 'a', agents: ['paris-*'], inventory: ['10.0.0.1'] }, { name: 'b', agents: ['lyon-pc1', 'PARIS-PC12'], discover: ['10.0.0.0/24'] }, { name: 'c', agents: ['*'], inventory: ['10.0.0.2'] }] },
  }).snmp.agentTasks;
  assert.deepEqual(tasksFor(tasks, 'paris-pc12-2026-11-28-17-52-17').map((t) => t.task.name), ['a', 'b', 'c']);
  assert.deepEqual(tasksFor(tasks, 'lyon-pc1-2026-11-28-17-52-17').map((t) => [t.task.name, t.index]), [['b', 1], ['c', 2]]);
  assert.deepEqual(tasksFor(tasks, 'lyon-pc10-2026-11-28-17-52-17').map((t) => t.task.name), ['c']);
  // a dot in a pattern is literal, not "any character"
  const dotted = configSchema.parse({ db: { url: 'sqlite::memory:' }, snmp: { agentTasks: [{ name: 'd', agents: ['a.b'], inventory: ['10.0.0.1'] }] } }).snmp.agentTasks;
  assert.deepEqual(tasksFor(dotted, 'axb-2026-11-28-17-52-17'), []);
});

test('config: ranges and addresses checked, allowedTargets enforced, unknown keys refused', () => {
  const parse = (snmp: unknown) => configSchema.safeParse({ db: { url: 'sqlite::memory:' }, snmp });
  const messages = (snmp: unknown) => {
    const r = parse(snmp);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.ok(parse({ agentTasks: [{ name: 'x', agents: ['*'], discover: ['10.1.0.0/16', '10.2.0.1-10.2.0.9'], inventory: ['10.3.0.1'] }] }).success);
  assert.deepEqual(messages({ agentTasks: [{ name: 'x', agents: ['*'] }] }), ['snmp.agentTasks.0: give discover ranges, inventory addresses or both']);
  assert.deepEqual(messages({ agentTasks: [{ name: 'x', agents: ['*'], discover: ['10.0.0.0/8'], inventory: ['10.0.0.0/24'] }] }), [
    'snmp.agentTasks.0.discover.0: expected an IPv4 CIDR or range a.b.c.d-e.f.g.h of at most 65536 addresses, found "10.0.0.0/8"',
    'snmp.agentTasks.0.inventory.0: expected an IPv4 address, found "10.0.0.0/24"',
  ]);
  assert.deepEqual(messages({ allowedTargets: ['10.0.0.0/16'], agentTasks: [{ name: 'x', agents: ['*'], discover: ['10.0.255.0-10.1.0.5'], inventory: ['10.0.0.1'] }] }), [
    'snmp.agentTasks.0.discover.0: "10.0.255.0-10.1.0.5" is outside snmp.allowedTargets',
  ]);
  assert.equal(parse({ agentTasks: [{ name: 'x', agents: ['pc 1'], inventory: ['10.0.0.1'] }] }).success, false);
  assert.equal(parse({ agentTasks: [{ name: 'x', agents: ['*'], inventory: ['10.0.0.1'], community: 'public' }] }).success, false);
});

test('authentication: what the agent can use, and why not', () => {
  assert.deepEqual(authentication(1, { version: 'v2c', community: 'p&"<' }), { xml: '<AUTHENTICATION ID="1" VERSION="2c" COMMUNITY="p&amp;&quot;&lt;"/>' });
  assert.deepEqual(authentication(2, { version: 'v1', community: 'public' }), { xml: '<AUTHENTICATION ID="2" VERSION="1" COMMUNITY="public"/>' });
  assert.deepEqual(authentication(3, { version: 'v3', user: 'u', level: 'authPriv', authProtocol: 'sha', authKey: 'ak', privProtocol: 'aes', privKey: 'pk' }), {
    xml: '<AUTHENTICATION ID="3" VERSION="3" USERNAME="u" AUTHPROTOCOL="sha" AUTHPASSPHRASE="ak" PRIVPROTOCOL="aes" PRIVPASSPHRASE="pk"/>',
  });
  assert.deepEqual(authentication(4, { version: 'v3', user: 'u', level: 'noAuthNoPriv' }), { xml: '<AUTHENTICATION ID="4" VERSION="3" USERNAME="u"/>' });
  assert.deepEqual(authentication(5, { version: 'v3', user: 'u', level: 'authPriv', authProtocol: 'sha256', authKey: 'k', privProtocol: 'aes', privKey: 'p' }), { unusable: 'authentication sha256 (the agent knows md5 and sha)' });
  assert.deepEqual(authentication(6, { version: 'v3', user: 'u', level: 'authPriv', authProtocol: 'sha', authKey: 'k', privProtocol: 'aes256', privKey: 'p' }), { unusable: 'privacy aes256 (the agent knows des and aes)' });
  assert.ok('unusable' in authentication(7, { version: 'v3', user: 'u', level: 'authNoPriv', authProtocol: 'md5', authKey: 'k', context: 'vlan-10' }));
});

test('prologOptions: OPTION elements per task, as FusionInventory::Agent::XML::Response reads them', async () => {
  const tdb = await createTestDb('sqlite');
  try {
    const config = configSchema.parse({
      db: { url: tdb.url },
      snmp: {
        port: 161,
        credentials: [
          { name: 'lan', version: 'v2c', community: 'pub&lic' },
          { name: 'core', version: 'v3', user: 'vigie', level: 'authPriv', authProtocol: 'sha256', authKey: 'authkey12', privProtocol: 'aes', privKey: 'privkey12' },
          { name: 'old', version: 'v3', user: 'ops', level: 'authPriv', authProtocol: 'sha', authKey: 'authkey12', privProtocol: 'des', privKey: 'privkey12' },
        ],
        agentTasks: [
          { name: 'paris', agents: ['paris-*'], discover: ['10.1.0.0/24', '10.2.0.1-10.2.0.20'], inventory: ['10.1.0.1', '10.1.0.2'], port: 1161, threads: 4, timeoutSeconds: 3 },
          { name: 'unknown-creds', agents: ['*'], inventory: ['10.9.0.1'], credentials: ['nope'] },
          { name: 'lyon', agents: ['lyon-*'], inventory: ['10.3.0.1'], credentials: ['old'] },
        ],
      },
    });
    const problems: string[] = [];
    const xml = await prologOptions({ db: tdb.db, config }, 'paris-pc1-2026-11-28-17-52-17', problems);
    assert.deepEqual(problems, [
      'agent task paris: credential set core left out: authentication sha256 (the agent knows md5 and sha)',
      'agent task unknown-creds: unknown credential set(s) nope; known: lan, core, old',
    ]);
    assert.equal(
      xml,
      '<OPTION><NAME>NETDISCOVERY</NAME><PARAM THREADS_DISCOVERY="4" TIMEOUT="3" PID="1"/>' +
        '<RANGEIP ID="1" IPSTART="10.1.0.0" IPEND="10.1.0.255" ENTITY="0" PORT="1161"/><RANGEIP ID="2" IPSTART="10.2.0.1" IPEND="10.2.0.20" ENTITY="0" PORT="1161"/>' +
        '<AUTHENTICATION ID="1" VERSION="2c" COMMUNITY="pub&amp;lic"/><AUTHENTICATION ID="3" VERSION="3" USERNAME="ops" AUTHPROTOCOL="sha" AUTHPASSPHRASE="authkey12" PRIVPROTOCOL="des" PRIVPASSPHRASE="privkey12"/></OPTION>' +
        '<OPTION><NAME>SNMPQUERY</NAME><PARAM THREADS_QUERY="4" TIMEOUT="3" PID="2"/>' +
        '<DEVICE ID="1" IP="10.1.0.1" PORT="1161" AUTHSNMP_ID="1"/><DEVICE ID="2" IP="10.1.0.2" PORT="1161" AUTHSNMP_ID="1"/><AUTHENTICATION ID="1" VERSION="2c" COMMUNITY="pub&amp;lic"/></OPTION>',
    );
    assert.equal(await prologOptions({ db: tdb.db, config }, 'nantes-pc1-2026-11-28-17-52-17'), '');
    const lyon = await prologOptions({ db: tdb.db, config }, 'lyon-pc1-2026-11-28-17-52-17');
    assert.match(lyon, /<PARAM THREADS_QUERY="10" TIMEOUT="2" PID="6"\/><DEVICE ID="1" IP="10.3.0.1" AUTHSNMP_ID="1"\/><AUTHENTICATION ID="1" VERSION="3" USERNAME="ops"/);

    // the agent's own reader of the PROLOG reply, with the force_array list it uses
    const skip = skipUnless(existsSync(`${FUSION_LIB}/FusionInventory/Agent/XML/Response.pm`), 'fusioninventory-agent not installed');
    if (skip) return;
    const perl = `use lib "${FUSION_LIB}"; use FusionInventory::Agent::XML::Response; use JSON::PP;
      local $/; my $r = FusionInventory::Agent::XML::Response->new(content => <STDIN>);
      print JSON::PP->new->canonical->encode({ d => [$r->getOptionsInfoByName('NETDISCOVERY')], q => [$r->getOptionsInfoByName('SNMPQUERY')] });`;
    const read = JSON.parse(execFileSync('perl', ['-e', perl], { input: `<?xml version="1.0" encoding="UTF-8"?><REPLY>${xml}<RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>` }).toString()) as {
      d: { PARAM: Record<string, string>[]; RANGEIP: Record<string, string>[]; AUTHENTICATION: Record<string, string>[] }[];
      q: { PARAM: Record<string, string>[]; DEVICE: Record<string, string>[]; AUTHENTICATION: Record<string, string>[] }[];
    };
    assert.deepEqual(read.d[0]!.PARAM[0], { PID: '1', THREADS_DISCOVERY: '4', TIMEOUT: '3' });
    assert.deepEqual(read.d[0]!.RANGEIP[1], { ENTITY: '0', ID: '2', IPEND: '10.2.0.20', IPSTART: '10.2.0.1', PORT: '1161' });
    assert.deepEqual(read.d[0]!.AUTHENTICATION.map((a) => a.COMMUNITY ?? a.USERNAME), ['pub&lic', 'ops']);
    assert.deepEqual(read.q[0]!.DEVICE.map((d) => [d.IP, d.PORT, d.AUTHSNMP_ID]), [['10.1.0.1', '1161', '1'], ['10.1.0.2', '1161', '1']]);
    assert.deepEqual(read.q[0]!.AUTHENTICATION, [{ COMMUNITY: 'pub&lic', ID: '1', VERSION: '2c' }]);
  } finally {
    await tdb.drop();
  }
});

test('the captured FusionInventory exchange replayed into a server: devices stored, control messages answered', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const dir = `${SHARED}corpus/agents/exchanges/fusion-netdiscovery-snmpquery/`;
  const s = await startTestServer('sqlite');
  try {
    const post = async (n: string) => {
      const res = await s.app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-compress-zlib', 'user-agent': 'FusionInventory-Agent_v2.6-3' }, payload: readFileSync(`${dir}${n}-req.body`) });
      assert.equal(res.statusCode, 200, `${n}: ${res.body}`);
    };
    // the agent's own inventory first (011), then its NETDISCOVERY messages (006-010) and SNMPQUERY messages (002-005)
    for (const n of ['011', '006', '007', '008', '009', '010', '002', '003', '004', '005']) await post(n);
    const assets = (await s.api<{ items: { id: number; kind: string; hostname: string; deviceId: string; sourceFormat: string; userAgent: string }[] }>('/assets?limit=10')).body.items;
    const device = assets.find((a) => a.sourceFormat === 'snmp');
    assert.ok(device, JSON.stringify(assets));
    assert.equal(device.hostname, 'vm-loopback-snmpd');
    assert.equal(device.userAgent, 'FusionInventory-Agent_v2.6-3');
    assert.equal(assets.length, 2, 'the agent machine and one device (discovery and inventory found the same one)');
    const receipts = (await s.api<{ items: { query: string; outcome: string; deviceId: string; assetId: number | null }[] }>('/receipts?limit=50')).body.items;
    const agentId = 'vm-2026-11-28-17-52-17';
    assert.deepEqual(
      receipts.filter((r) => r.assetId === device.id).map((r) => `${r.query}:${r.outcome}:${r.deviceId}`).sort(),
      [`NETDISCOVERY:accepted:${agentId}`, `SNMPQUERY:accepted:${agentId}`],
    );
    // START / NBIP / END notices: answered, on the agent's asset
    assert.equal(receipts.filter((r) => r.outcome === 'answered' && r.deviceId === agentId).length, 7);
    assert.equal(receipts.filter((r) => r.outcome === 'rejected').length, 0);
  } finally {
    await s.close();
  }
});

test('storeReported with devices already read (GLPI netinventory): stored by their own identity, the agent as the source', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const tdb = await createTestDb('sqlite');
  try {
    const config = configSchema.parse({ db: { url: tdb.url }, snmp: { port: 1161 } });
    const deps = { db: tdb.db, config, ingestor: new Ingestor(tdb.db, config) };
    const agentDeviceId = 'glpi-pc-2026-01-02-03-04-05';
    const receipt = { receivedAt: new Date().toISOString(), remoteAddress: '127.0.0.1', userAgent: 'GLPI-Agent_v1.7', protocol: 'glpi' as const, query: 'NETINVENTORY', contentType: 'application/json', encoding: null, sizeBytes: 1, inflatedBytes: null, sha256: 'x', deviceId: agentDeviceId, payload: null };
    const store = async (name: string) => {
      const m = JSON.parse(readFileSync(`${SHARED}corpus/glpi/examples/${name}.json`, 'utf8')) as { itemtype: string; content: unknown };
      return storeReported(deps, { query: 'NETINVENTORY', reported: await fromGlpiNetInventory(m.content, m.itemtype, fingerprints()), agentDeviceId, receipt });
    };
    const first = await store('printer_2');
    assert.deepEqual(first.stored.map((x) => [x.created, x.address, x.osId]), [[true, '10.59.29.176', 'canonprinter']]);
    const again = await store('printer_2');
    assert.deepEqual(again.stored.map((x) => [x.assetId, x.created, x.changes]), [[first.stored[0]!.assetId, false, 0]]);
    const other = await store('networkequipment_5');
    assert.notEqual(other.stored[0]!.assetId, first.stored[0]!.assetId);
    const rows = await tdb.db.kysely.selectFrom('inventory_receipts').select(['asset_id', 'query', 'device_id', 'protocol', 'user_agent']).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [Number(r.asset_id), r.query, r.device_id, r.protocol, r.user_agent]), [first, again, other].map((x) => [x.stored[0]!.assetId, 'NETINVENTORY', agentDeviceId, 'glpi', 'GLPI-Agent_v1.7']));
    const snmp = await tdb.db.kysely.selectFrom('asset_sections').select('data').where('asset_id', '=', other.stored[0]!.assetId).where('section', '=', 'snmp').executeTakeFirstOrThrow();
    const [section] = JSON.parse(snmp.data) as { reportedBy: string; address: string }[];
    assert.deepEqual([section?.reportedBy, section?.address], [agentDeviceId, '192.168.16.51:1161'], 'the agent as the source; no task of ours, so snmp.port');
  } finally {
    await tdb.drop();
  }
});

/** DEVICE IP → AUTHSNMP_ID, and the AUTHENTICATION IDs, of the SNMPQUERY option with this PID in a PROLOG reply. */
function snmpQuery(xml: string, pid: number): { devices: Record<string, number>; auths: number[] } {
  const option = xml.match(/<OPTION><NAME>SNMPQUERY<\/NAME>.*?<\/OPTION>/g)?.find((o) => o.includes(` PID="${pid}"`));
  assert.ok(option, `an SNMPQUERY with PID ${pid} in ${xml}`);
  const devices = Object.fromEntries([...option.matchAll(/<DEVICE [^>]*IP="([^"]+)"[^>]*AUTHSNMP_ID="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));
  return { devices, auths: [...option.matchAll(/<AUTHENTICATION ID="(\d+)"/g)].map((m) => Number(m[1])) };
}

for (const dialect of testDialects()) {
  describe(`the credential set that answered discovery is the one SNMPQUERY names, on ${dialect}`, { skip: skipUnless(hasShared, '../shared corpus missing') || (await dialectSkip(dialect)) }, () => {
    // A NETDISCOVERY message as FusionInventory 2.6 sent it (captured exchange, message 008), for other addresses
    const captured = gunzipSync(readFileSync(`${SHARED}corpus/agents/exchanges/fusion-netdiscovery-snmpquery/008-req.xml.gz`)).toString();
    const agentId = 'paris-pc1-2026-11-28-17-52-17';
    const discovery = (pid: number, ip: string, auth: number, deviceId = agentId) => {
      const n = ip.split('.').at(-1)!;
      const text = captured
        .replace(/<AUTHSNMP>\d+<\/AUTHSNMP>/, `<AUTHSNMP>${auth}</AUTHSNMP>`)
        .replace(/<IP>127\.0\.0\.1<\/IP>(\s*<IPS>)/, `<IP>${ip}</IP>$1`)
        .replace('02:fc:00:00:00:01', `02:fc:00:00:00:${n.padStart(2, '0')}`)
        .replace('vm-loopback-snmpd', `switch-${n}`)
        .replace(/<PROCESSNUMBER>\d+</, `<PROCESSNUMBER>${pid}<`)
        .replace(/<DEVICEID>[^<]+</, `<DEVICEID>${deviceId}<`);
      assert.ok(text.includes(`<IP>${ip}</IP>`) && text.includes(`<PROCESSNUMBER>${pid}<`), 'the capture still has the fields replaced');
      return text;
    };
    const credentials = [
      { name: 'lan', version: 'v2c', community: 'pub-lan' },
      { name: 'core', version: 'v3', user: 'vigie', level: 'authPriv', authProtocol: 'sha', authKey: 'authkey12', privProtocol: 'aes', privKey: 'privkey12' },
      { name: 'old', version: 'v3', user: 'ops', level: 'authPriv', authProtocol: 'md5', authKey: 'authkey34', privProtocol: 'des', privKey: 'privkey34' },
    ];
    const configWith = (url: string, creds: unknown[]) => configSchema.parse({
      db: { url },
      snmp: {
        credentials: creds,
        agentTasks: [
          { name: 'paris', agents: ['paris-*'], discover: ['10.1.0.0/24'], inventory: ['10.1.0.1', '10.1.0.2', '10.1.0.3'] },
          // same agent, same address, its own memory
          { name: 'paris-core', agents: ['paris-*'], inventory: ['10.1.0.2'] },
        ],
      },
    });

    test('AUTHSNMP=2 for 10.1.0.2 → AUTHSNMP_ID 2 and both AUTHENTICATION elements; removed, unusable or unknown sets fall back; tasks apart; upserted', async () => {
      const tdb = await createTestDb(dialect);
      try {
        const config = configWith(tdb.url, credentials);
        const deps = { db: tdb.db, config, ingestor: new Ingestor(tdb.db, config) };
        const report = async (pid: number, ip: string, auth: number, deviceId = agentId) => {
          const { tree } = parseOcsMessage(discovery(pid, ip, auth, deviceId), limitsOf(config.agents));
          assert.deepEqual([...answeredIds(tree)], [[ip, auth]]);
          const receipt = { receivedAt: new Date().toISOString(), remoteAddress: '10.1.0.250', userAgent: 'FusionInventory-Agent_v2.6-3', protocol: 'ocs' as const, query: 'NETDISCOVERY', contentType: 'application/x-compress-zlib', encoding: null, sizeBytes: 1, inflatedBytes: null, sha256: 'x', deviceId, payload: null };
          return storeReported(deps, { query: 'NETDISCOVERY', tree, agentDeviceId: deviceId, receipt });
        };
        const prolog = (c = config) => prologOptions({ db: tdb.db, config: c }, agentId);

        // nothing reported yet: the first set for every device, and only it
        assert.deepEqual(snmpQuery(await prolog(), inventoryPid(0)), { devices: { '10.1.0.1': 1, '10.1.0.2': 1, '10.1.0.3': 1 }, auths: [1] });

        const first = await report(discoveryPid(0), '10.1.0.2', 2);
        assert.deepEqual(first.answered, [{ address: '10.1.0.2', credential: 'core' }]);
        assert.equal(first.stored.length, 1, 'the device itself is stored as before');
        assert.deepEqual((await report(discoveryPid(0), '10.1.0.3', 3)).answered, [{ address: '10.1.0.3', credential: 'old' }]);
        assert.deepEqual((await report(discoveryPid(0), '10.1.0.4', 9)).answered, [], 'an ID the reply never sent is not kept');

        let xml = await prolog();
        assert.deepEqual(snmpQuery(xml, inventoryPid(0)), { devices: { '10.1.0.1': 1, '10.1.0.2': 2, '10.1.0.3': 3 }, auths: [1, 2, 3] });
        assert.deepEqual(snmpQuery(xml, inventoryPid(1)), { devices: { '10.1.0.2': 1 }, auths: [1] }, "another task's discovery does not leak");
        assert.match(xml, /<DEVICE ID="2" IP="10.1.0.2" AUTHSNMP_ID="2"\/>.*<AUTHENTICATION ID="1" VERSION="2c" COMMUNITY="pub-lan"\/><AUTHENTICATION ID="2" VERSION="3" USERNAME="vigie" /);

        // the agent's own reader of the reply: NetInventory looks the device's credential up by AUTHSNMP_ID
        if (existsSync(`${FUSION_LIB}/FusionInventory/Agent/XML/Response.pm`)) {
          const perl = `use lib "${FUSION_LIB}"; use FusionInventory::Agent::XML::Response; use JSON::PP; local $/;
            my $r = FusionInventory::Agent::XML::Response->new(content => <STDIN>); my ($q) = grep { $_->{PARAM}[0]{PID} == ${inventoryPid(0)} } $r->getOptionsInfoByName('SNMPQUERY');
            my %c = map { $_->{ID} => $_ } @{$q->{AUTHENTICATION}}; print JSON::PP->new->canonical->encode({ map { $_->{IP} => $c{$_->{AUTHSNMP_ID}}{USERNAME} // $c{$_->{AUTHSNMP_ID}}{COMMUNITY} } @{$q->{DEVICE}} });`;
          const read = JSON.parse(execFileSync('perl', ['-e', perl], { input: `<?xml version="1.0" encoding="UTF-8"?><REPLY>${xml}<RESPONSE>SEND</RESPONSE></REPLY>` }).toString()) as Record<string, string>;
          assert.deepEqual(read, { '10.1.0.1': 'pub-lan', '10.1.0.2': 'vigie', '10.1.0.3': 'ops' });
        }

        // the names are kept, not the positions: "core" gone, "old" moves to ID 2 and follows
        xml = await prolog(configWith(tdb.url, [credentials[0], credentials[2]]));
        assert.deepEqual(snmpQuery(xml, inventoryPid(0)), { devices: { '10.1.0.1': 1, '10.1.0.2': 1, '10.1.0.3': 2 }, auths: [1, 2] });
        assert.match(xml, /<AUTHENTICATION ID="2" VERSION="3" USERNAME="ops" /);
        // "core" now unusable by the agent (SHA-256): left out, so its devices fall back to the first set
        xml = await prolog(configWith(tdb.url, [credentials[0], { ...credentials[1], authProtocol: 'sha256' }, credentials[2]]));
        assert.deepEqual(snmpQuery(xml, inventoryPid(0)), { devices: { '10.1.0.1': 1, '10.1.0.2': 1, '10.1.0.3': 3 }, auths: [1, 3] });

        // a later report (another agent of the task) replaces the row: one per task and address
        assert.deepEqual((await report(discoveryPid(0), '10.1.0.2', 1, 'paris-pc2-2026-11-29-08-00-00')).answered, [{ address: '10.1.0.2', credential: 'lan' }]);
        assert.deepEqual(snmpQuery(await prolog(), inventoryPid(0)).devices, { '10.1.0.1': 1, '10.1.0.2': 1, '10.1.0.3': 3 });
        const rows = await tdb.db.kysely.selectFrom('snmp_agent_credentials').selectAll().orderBy('address').execute();
        assert.deepEqual(rows.map((r) => [r.task, r.address, r.credential, r.reported_by]), [
          ['paris', '10.1.0.2', 'lan', 'paris-pc2-2026-11-29-08-00-00'],
          ['paris', '10.1.0.3', 'old', agentId],
        ]);
        assert.doesNotMatch(JSON.stringify(rows), /pub-lan|authkey|privkey/, 'names only, never secrets');
      } finally {
        await tdb.drop();
      }
    });
  });
}
