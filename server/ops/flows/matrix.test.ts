/**
 * Flow matrix from a sample DMZ configuration, compared to reviewed golden files (md, csv, json, fr and en).
 * Names resolve through a fixed table: the test never asks a real DNS server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { matchesGolden } from '../../../test/helpers/golden.js';
import { matchesTextGolden } from '../../../test/helpers/golden-text.js';
import { loadConfig } from '../../config/load.js';
import { configSchema } from '../../config/schema.js';
import { formatMatrix, type FlowFormat } from './format.js';
import { buildMatrix, collectFlows, systemDnsServers } from './matrix.js';
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
