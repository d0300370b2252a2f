/**
 * Flow matrix from a sample DMZ configuration, compared to reviewed golden files (md, csv, json, fr and en).
 * Names resolve through a fixed table: the test never asks a real DNS server.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { matchesGolden } from '../../../test/helpers/golden.js';
import { matchesTextGolden } from '../../../test/helpers/golden-text.js';
import { createTestDb } from '../../../test/helpers/db.js';
import { createStoredChannel } from '../../alerts/stored-channels.js';
import { loadConfig } from '../../config/load.js';
import { configSchema } from '../../config/schema.js';
import { formatMatrix, type FlowFormat } from './format.js';
import { buildMatrix, collectFlows, flowsConfig, systemDnsServers } from './matrix.js';
import { flowProviders } from './providers/index.js';
import type { Lang } from './types.js';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));
const sample = loadConfig({ file: join(testdata, 'dmz-sample.yaml'), env: {} });
const names: Record<string, string[]> = {
  'vigie.example.org': ['192.0.2.20'],
  'db.example.org': ['192.0.2.30'],
  'ntp.example.org': ['192.0.2.123'],
  'smtp.example.org': ['192.0.2.25'],
  'soc.example.org': ['198.51.100.80'],
  'vulnerability.circl.lu': ['203.0.113.1'],
  'www.cisa.gov': ['203.0.113.2', '203.0.113.3'],
  'epss.empiricalsecurity.com': ['203.0.113.4'],
};
const resolve = async (h: string) => {
  const a = names[h];
  if (!a) throw Object.assign(new Error(`ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
  return a;
};

for (const lang of ['en', 'fr'] as Lang[]) {
  test(`dmz-sample matrix (${lang}) matches its golden md, csv and json`, async () => {
    const rows = await buildMatrix(sample, { lang, resolve });
    for (const format of ['md', 'csv'] as FlowFormat[]) matchesTextGolden(join(testdata, `dmz-sample.${lang}.golden.${format}`), formatMatrix(rows, format, lang));
    matchesGolden(`dmz-sample.${lang}`, JSON.parse(formatMatrix(rows, 'json', lang)), testdata);
  });
}

test('every concern of the sample appears, with the expected ports and obligation', () => {
  const flows = collectFlows(sample);
  const byId = new Map(flows.map((f) => [f.id, f]));
  assert.deepEqual([...new Set(flows.map((f) => f.provider))], ['listeners', 'reverse-proxy', 'postgres', 'dns', 'ntp', 'kb', 'snmp', 'smtp', 'webhooks', 'syslog']);
  assert.deepEqual(byId.get('listeners:agents-1')?.ports, [{ proto: 'tcp', port: 443 }]); // agents reach the proxy
  assert.deepEqual(byId.get('reverse-proxy:server')?.ports, [{ proto: 'tcp', port: 8443 }]);
  assert.deepEqual(byId.get('dns:192.0.2.53')?.ports, [{ proto: 'udp', port: 53 }, { proto: 'tcp', port: 53 }]);
  assert.equal(byId.get('kb:kev')?.probe?.kind, 'tls');
  assert.equal(byId.get('snmp:lan')?.mandatory, false);
  assert.deepEqual(byId.get('snmp:lan')?.probe, { kind: 'snmp', host: '10.30.0.1', port: 161, credential: { name: 'lan', version: 'v2c', community: 'public' } });
  assert.equal(byId.get('syslog:siem')?.probe?.kind, 'tls');
});

test('an empty configuration still gives the agents row, marked to be defined', async () => {
  const config = configSchema.parse({ network: { dnsServers: ['127.0.0.53'] } });
  const rows = await buildMatrix(config, { resolve });
  assert.equal(rows[0]?.sourceName, 'Agents (networks to be defined)');
  assert.match(formatMatrix(rows, 'md', 'en'), /\(to be defined\)/);
  assert.match(formatMatrix(rows, 'html', 'fr'), /<th>Nom source<\/th>/);
});

test('DNS servers default to the nameserver lines of resolv.conf', () => {
  const dir = mkdtempSync('/tmp/vigie-resolv-');
  writeFileSync(`${dir}/resolv.conf`, '# comment\nsearch example.org\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\noptions edns0\n');
  assert.deepEqual(systemDnsServers(`${dir}/resolv.conf`), ['192.0.2.53', '[fe80::1]']);
  assert.deepEqual(systemDnsServers(`${dir}/missing`), []);
  const config = configSchema.parse({});
  assert.deepEqual(collectFlows(config, { resolvConf: `${dir}/resolv.conf` }).filter((f) => f.provider === 'dns').map((f) => f.id), ['dns:192.0.2.53', 'dns:[fe80::1]']);
});

test('CSV quotes cells with commas and quotes (RFC 4180, CRLF)', () => {
  const csv = formatMatrix([{ id: 'x', sourceName: 'A "quoted", name', sourceAddresses: ['10.0.0.0/8', '10.1.0.0/16'], destinationName: 'B', destinationAddresses: [], protocolPort: '443/tcp', purpose: 'p', mandatory: false }], 'csv', 'en');
  assert.equal(csv.split('\r\n')[1], '"A ""quoted"", name","10.0.0.0/8, 10.1.0.0/16",B,(to be defined),443/tcp,p,optional');
});

test('registry: every provider file is registered', () => {
  const dir = fileURLToPath(new URL('./providers/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'));
  const ids = flowProviders.ids();
  for (const f of files) assert.ok(ids.includes(f.replace(/\.ts$/, '')), `providers/${f} is not registered in providers/index.ts`);
  assert.equal(ids.length, files.length);
});

test('the README shows the current English matrix of the sample', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /<!-- flows:dmz-sample:start -->\n([\s\S]*?)<!-- flows:dmz-sample:end -->/.exec(readme)?.[1];
  assert.equal(block, readFileSync(join(testdata, 'dmz-sample.en.golden.md'), 'utf8'), 'README block differs from dmz-sample.en.golden.md: paste the golden file');
});

test('kb.proxy: one flow to the proxy instead of one per source; SNMP without credentials has no probe', () => {
  const config = configSchema.parse({
    kb: { proxy: 'http://proxy.example.org:3128' },
    network: { dnsServers: ['192.0.2.53'] },
    snmp: { scans: [{ name: 'dc', targets: ['10.40.0.0/24'], schedule: '0 3 * * *' }] },
  });
  const kb = collectFlows(config).filter((f) => f.provider === 'kb');
  assert.deepEqual(kb.map((f) => [f.id, f.ports, f.probe]), [['kb:proxy', [{ proto: 'tcp', port: 3128 }], { kind: 'tcp', host: 'proxy.example.org', port: 3128 }]]);
  assert.equal(collectFlows(config).find((f) => f.id === 'snmp:dc')?.probe, undefined);
});

test('alert channels stored from the web UI get their flows: matrix, `vigie flows` and its check list', async () => {
  const tdb = await createTestDb('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-flows-stored-'));
  try {
    const secretKey = 'a'.repeat(64);
    const raw = {
      db: { url: tdb.url },
      server: { host: '192.0.2.20', port: 8443 },
      snmp: { secretKey },
      alerts: { channels: { 'ops-mail': { type: 'email', host: 'smtp.example.org', from: 'vigie@example.org', to: ['secops@example.org'] } } },
    };
    const config = configSchema.parse(raw);
    const cfg = { ...config, alerts: config.alerts };
    await createStoredChannel(tdb.db.kysely, cfg, 'ui-mail', { config: { type: 'email', host: 'relay.example.net', port: 465, security: 'tls', from: 'v@example.org', to: ['a@example.org'], user: 'u', password: 'p4ss' } }, 'admin');
    await createStoredChannel(tdb.db.kysely, cfg, 'ui-chat', { config: { type: 'webhook', url: 'https://chat.example.net/hooks/T0KEN', format: 'slack' } }, 'admin');
    await createStoredChannel(tdb.db.kysely, cfg, 'ui-syslog', { config: { type: 'syslog', host: '198.51.100.7', port: 1514, transport: 'udp' } }, 'admin');
    await createStoredChannel(tdb.db.kysely, cfg, 'ui-syslog-tcp', { config: { type: 'syslog', host: 'logs.example.net', transport: 'tcp' } }, 'admin');

    // agent network tasks: agents → devices, no probe from the server
    const withTasks = configSchema.parse({ ...raw, snmp: { secretKey, agentTasks: [{ name: 'lyon', agents: ['lyon-*'], discover: ['10.20.0.0/24'], inventory: ['10.20.1.1'], port: 1161 }] } });
    const agentRows = await buildMatrix(withTasks, { lang: 'en', resolve });
    assert.deepEqual(agentRows.filter((r) => r.id.startsWith('snmp-agents:')).map((r) => [r.id, r.sourceName, r.destinationAddresses.join(' '), r.protocolPort, r.mandatory]), [
      ['snmp-agents:lyon', 'FusionInventory agents lyon-* (addresses to be defined)', '10.20.0.0/24 10.20.1.1', '1161/udp', false],
    ]);
    assert.equal(collectFlows(withTasks).find((f) => f.id === 'snmp-agents:lyon')?.probe, undefined);

    // without a database: vigie.yaml channels only
    assert.deepEqual(collectFlows(config).filter((f) => ['smtp', 'webhooks', 'syslog'].includes(f.provider)).map((f) => f.id), ['smtp:ops-mail']);
    const problems: string[] = [];
    const withStored = await flowsConfig(config, tdb.db, problems);
    assert.deepEqual(problems, []);
    const flows = collectFlows(withStored).filter((f) => ['smtp', 'webhooks', 'syslog'].includes(f.provider));
    const row = (id: string) => {
      const f = flows.find((x) => x.id === id);
      assert.ok(f, `${id} in ${flows.map((x) => x.id).join(', ')}`);
      return { dest: f.destination.hosts ?? f.destination.addresses, ports: f.ports.map((p) => `${p.port}/${p.proto}`).join(','), probe: f.probe?.kind ?? null };
    };
    assert.deepEqual(flows.map((f) => f.id).sort(), ['smtp:ops-mail', 'smtp:ui-mail', 'syslog:ui-syslog', 'syslog:ui-syslog-tcp', 'webhooks:ui-chat']);
    assert.deepEqual(row('smtp:ui-mail'), { dest: ['relay.example.net'], ports: '465/tcp', probe: 'smtp' });
    assert.deepEqual(row('webhooks:ui-chat'), { dest: ['chat.example.net'], ports: '443/tcp', probe: 'tls' });
    assert.deepEqual(row('syslog:ui-syslog'), { dest: ['198.51.100.7'], ports: '1514/udp', probe: null });
    assert.deepEqual(row('syslog:ui-syslog-tcp'), { dest: ['logs.example.net'], ports: '514/tcp', probe: 'tcp' });

    // a key that does not open the sealed secrets: the webhook (URL sealed) is reported, the others stay
    const wrongKey = configSchema.parse({ ...raw, snmp: { secretKey: 'b'.repeat(64) } });
    const wrong: string[] = [];
    const partial = collectFlows(await flowsConfig(wrongKey, tdb.db, wrong)).map((f) => f.id);
    assert.ok(partial.includes('syslog:ui-syslog') && !partial.includes('webhooks:ui-chat'), partial.join(', '));
    assert.equal(wrong.length, 2, wrong.join('\n')); // ui-mail (password) and ui-chat (URL) are sealed
    assert.match(wrong[0]!, /cannot be decrypted/);

    // the CLI reads the same database (an existing SQLite file; never created by `vigie flows`)
    const file = join(dir, 'vigie.yaml');
    writeFileSync(file, JSON.stringify(raw));
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('../../../bin/vigie.js', import.meta.url)), 'flows', '--format', 'json', '--config', file], { cwd: dir }).toString();
    const ids = (JSON.parse(out) as { rows: { id: string }[] }).rows.map((r) => r.id);
    for (const id of ['smtp:ops-mail', 'smtp:ui-mail', 'webhooks:ui-chat', 'syslog:ui-syslog', 'syslog:ui-syslog-tcp']) assert.ok(ids.includes(id), `${id} in vigie flows: ${ids.join(', ')}`);
    const missing = join(dir, 'absent.yaml');
    writeFileSync(missing, JSON.stringify({ ...raw, db: { url: `sqlite:${join(dir, 'nothing-here.db')}` } }));
    const alone = execFileSync(process.execPath, [fileURLToPath(new URL('../../../bin/vigie.js', import.meta.url)), 'flows', '--format', 'json', '--config', missing], { cwd: dir }).toString();
    assert.ok(!alone.includes('ui-mail'));
    assert.equal(existsSync(join(dir, 'nothing-here.db')), false, 'vigie flows created no database');
  } finally {
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
