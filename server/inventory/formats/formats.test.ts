/**
 * Wire formats → canonical Inventory. Golden files over every real inventory in ../shared/corpus (agent captures,
 * agent local output, GLPI inventory_format XML and JSON examples), plus the envelope rules and caps.
 * Refresh the golden files with `UPDATE_GOLDEN=1 node --import tsx --test server/inventory/formats/formats.test.ts`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { VigieError, type ErrorCode } from '../../../common/errors.js';
import { Inventory } from '../../../common/inventory/model.js';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { matchesGolden } from '../../../test/helpers/golden.js';
import { contentToInventory } from './content-mapper.js';
import { glpiJson, parseGlpiMessage } from './glpi-json.js';
import { detectFormat, formats, inventoryFromText } from './index.js';
import { deviceIdLooksValid, ocsXml, parseOcsMessage } from './ocs-xml.js';
import type { ParseContext, ParseLimits } from './types.js';

const SHARED = new URL('../../../../shared/', import.meta.url);
const CORPUS = new URL('corpus/', SHARED);
const TESTDATA = new URL('./testdata/', import.meta.url);
/** The defaults of server/config/schema.ts. */
const limits: ParseLimits = { maxDepth: 32, maxElements: 2_000_000, maxFieldBytes: 64 * 1024, maxSoftware: 100_000 };

function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VigieError, `expected a VigieError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

// ---- corpus cases ----

interface Case {
  name: string;
  text: string;
  userAgent: string | null;
  format: 'ocs-xml' | 'glpi-json';
}

const read = (url: URL) => {
  const buf = readFileSync(url);
  return (url.pathname.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
};
const ls = (url: URL) => readdirSync(url).sort();
const isInventory = (xml: string) => parseOcsMessage(xml, limits).query === 'INVENTORY';

function userAgentOf(metaUrl: URL): string | null {
  if (!existsSync(metaUrl)) return null;
  const headers = (JSON.parse(readFileSync(metaUrl, 'utf8')) as { rawHeaders: string[] }).rawHeaders;
  const i = headers.findIndex((h, k) => k % 2 === 0 && h.toLowerCase() === 'user-agent');
  return i === -1 ? null : (headers[i + 1] ?? null);
}

const ITEMTYPES: [RegExp, string][] = [[/^networkequipment/, 'NetworkEquipment'], [/^printer/, 'Printer'], [/^phone/, 'Phone'], [/^computer/, 'Computer']];

function corpusCases(): Case[] {
  const cases: Case[] = [];
  const exchanges = new URL('agents/exchanges/', CORPUS);
  for (const scenario of ls(exchanges)) {
    const dir = new URL(`${scenario}/`, exchanges);
    const found = ls(dir)
      .filter((f) => f.endsWith('-req.xml.gz'))
      .map((f) => ({ seq: f.slice(0, 3), text: read(new URL(f, dir)) }))
      .filter((r) => isInventory(r.text));
    for (const r of found) {
      // One INVENTORY per scenario, except where Basic auth made the agent resend it after a 401.
      const name = found.length === 1 ? scenario : `${scenario}-${r.seq}`;
      cases.push({ name, text: r.text, userAgent: userAgentOf(new URL(`${r.seq}-meta.json`, dir)), format: 'ocs-xml' });
    }
  }
  const local = new URL('agents/local/', CORPUS);
  for (const f of ls(local)) {
    cases.push({ name: `local-${f.replace(/\.xml\.gz$/, '').replace(/\./g, '-')}`, text: read(new URL(f, local)), userAgent: null, format: 'ocs-xml' });
  }
  const glpiXml = new URL('glpi/xml/', CORPUS);
  for (const f of ls(glpiXml)) {
    const text = read(new URL(f, glpiXml));
    if (isInventory(text)) cases.push({ name: `glpi-xml-${f.replace(/\.xml$/, '')}`, text, userAgent: null, format: 'ocs-xml' });
  }
  const examples = new URL('glpi/examples/', CORPUS);
  for (const f of ls(examples)) {
    const base = f.replace(/\.json$/, '');
    const raw = read(new URL(f, examples));
    const json = JSON.parse(raw) as Record<string, unknown>;
    // inventory_format's examples are full messages; a bare `content` object would be wrapped as the agent sends it.
    const text = 'action' in json && 'content' in json
      ? raw
      : JSON.stringify({ action: 'inventory', deviceid: 'example-2020-01-01-00-00-00', itemtype: ITEMTYPES.find(([re]) => re.test(base))?.[1] ?? 'Computer', content: json });
    cases.push({ name: `glpi-json-${base}`, text, userAgent: null, format: 'glpi-json' });
  }
  return cases;
}

// Skips without ../shared, except under CI=true where skipUnless throws (style.md §3.6).
const noCorpus = { skip: skipUnless(hasShared, `the ../shared corpus is not at ${CORPUS.pathname}`) };
const cases = hasShared ? corpusCases() : [];
const parsed = new Map<string, Inventory>();
function inventoryOf(name: string): Inventory {
  let inv = parsed.get(name);
  if (!inv) {
    const c = cases.find((x) => x.name === name);
    assert.ok(c, `no corpus case named ${name}`);
    inv = inventoryFromText(c.text, { limits, userAgent: c.userAgent });
    parsed.set(name, inv);
  }
  return inv;
}

test('the shared corpus is complete', noCorpus, () => {
  // 12 exchange scenarios (fusion-basicauth sent its INVENTORY 3 times), 5 local, 8 GLPI XML inventories, 20 JSON.
  assert.equal(cases.length, 47, cases.map((c) => c.name).join(', '));
});

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    assert.equal(detectFormat(c.text).id, c.format);
    const inv = inventoryOf(c.name);
    matchesGolden(c.name, inv, TESTDATA);
    // The mapper skips re-validating software entries and sections (content-mapper.ts validated()): prove the full schema agrees.
    assert.deepEqual(Inventory.parse(inv), inv);
  });
}

test('key facts of the captures', noCorpus, () => {
  const ocs = inventoryOf('ocs-full');
  assert.equal(ocs.format, 'ocs-xml');
  assert.equal(ocs.software.length, 909);
  assert.ok(ocs.software.every((s) => s.origin === 'deb' && s.version !== null));
  assert.deepEqual(ocs.software.find((s) => s.name === 'xz-utils'), {
    name: 'xz-utils', version: '5.4.1-1', publisher: 'https://tukaani.org/xz/', arch: 'amd64', origin: 'deb',
    installDate: '2025-05-24 14:42:06', sourcePackage: null, sourceVersion: null,
    extra: { comments: 'XZ-format compression utilities', filesize: '1255424' },
  });
  const eth0 = ocs.interfaces.find((i) => i.name === 'eth0');
  assert.ok(eth0);
  assert.deepEqual(eth0.ipv4, ['192.0.2.2']);
  assert.deepEqual(eth0.ipv6, ['fe80::fc:ff:fe00:1']);
  assert.equal(eth0.speedMbps, null, '"-1 Mbps" means unknown');
  assert.match(ocs.os.name ?? '', /^Debian/);
  assert.equal(ocs.identity.hostname, 'vm');
  assert.equal(ocs.agent.name, 'OCS-NG_unified_unix_agent');
  assert.equal(ocs.agent.version, '2.10.0');
  assert.equal(ocs.changedSections?.length, 20, 'first run: every bit but SIM');

  assert.deepEqual(inventoryOf('ocs-rerun').changedSections, ['hardware', 'drives']);
  assert.equal(inventoryOf('ocs-nosoftware-tag').tag, 'LAB-PARIS-01');

  const fusion = inventoryOf('fusion-full');
  assert.equal(fusion.format, 'fusion-xml');
  assert.equal(fusion.kind, 'virtual-machine', 'VMSYSTEM Docker');
  assert.equal(fusion.software.length, 909);
  assert.equal(fusion.os.version, '12.11', 'OPERATINGSYSTEM wins over HARDWARE/OSVERSION (the kernel)');
  assert.equal(fusion.os.kernelVersion, '6.18.44-fc-v782');
  const fEth0 = fusion.interfaces.find((i) => i.name === 'eth0');
  assert.deepEqual(fEth0?.ipv6, ['fd00::2', 'fe80::fc:ff:fe00:1'], 'one NETWORKS entry per address, grouped');
  assert.equal(fusion.interfaces.filter((i) => i.name === 'eth0').length, 1);
  assert.equal(inventoryOf('fusion-nosoftware').tag, 'LAB-PARIS-02');

  assert.equal(inventoryOf('glpi-json-networkequipment_2').kind, 'network');
  assert.equal(inventoryOf('glpi-json-printer_1').kind, 'printer');
  assert.equal(inventoryOf('glpi-json-phone_1').kind, 'phone');
  assert.equal(inventoryOf('glpi-json-computer_1_partial_softs').partial, true);
  const win = inventoryOf('glpi-xml-2');
  assert.ok(win.software.some((s) => s.origin === 'registry' && s.installDate === '2015-09-11'), 'DD/MM/YYYY dates normalised');
  assert.ok(win.volumes.some((v) => v.mount === 'C:' && v.extra.type === 'Local Disk'));
});

// ---- envelopes ----

const ctx: ParseContext = { limits };
const ocsInventory = (content: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST><CONTENT>${content}</CONTENT><DEVICEID>pc-2026-01-02-03-04-05</DEVICEID><QUERY>INVENTORY</QUERY>${extra}</REQUEST>`;

test('OCS envelope: element, attribute and CONTENT/DEVICEID forms', () => {
  assert.deepEqual(
    parseOcsMessage('<REQUEST DEVICEID="vm-2026-11-28-18-00-03" ERR="ERR_DOWNLOAD_INFO" ID="1732800000" QUERY="DOWNLOAD" />', limits),
    { query: 'DOWNLOAD', deviceId: 'vm-2026-11-28-18-00-03', tree: { '@deviceid': 'vm-2026-11-28-18-00-03', '@err': 'ERR_DOWNLOAD_INFO', '@id': '1732800000', '@query': 'DOWNLOAD' } },
  );
  assert.equal(parseOcsMessage('<REQUEST><QUERY>prolog</QUERY><DEVICEID>a-2026-01-02-03-04-05</DEVICEID></REQUEST>', limits).query, 'PROLOG');
  assert.equal(parseOcsMessage('<REQUEST><QUERY>SNMP</QUERY><CONTENT><DEVICEID>b-2026-01-02-03-04-05</DEVICEID></CONTENT></REQUEST>', limits).deviceId, 'b-2026-01-02-03-04-05');
  assert.equal(parseOcsMessage('<REQUEST><QUERY>PROLOG</QUERY></REQUEST>', limits).deviceId, null);
  throwsCode(() => parseOcsMessage('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>', limits), 'INVENTORY_MALFORMED', /expected a <REQUEST> root element, found <REPLY>/);
  throwsCode(() => parseOcsMessage('<REQUEST><DEVICEID>a-2026-01-02-03-04-05</DEVICEID></REQUEST>', limits), 'INVENTORY_UNKNOWN_QUERY');
});

test('OCS inventory: QUERY, DEVICEID and CONTENT are required', () => {
  throwsCode(() => ocsXml.parse('<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>a-2026-01-02-03-04-05</DEVICEID></REQUEST>', ctx), 'INVENTORY_UNKNOWN_QUERY', /expected <QUERY>INVENTORY<\/QUERY>, found <QUERY>PROLOG<\/QUERY> \(device a-2026/);
  throwsCode(() => ocsXml.parse('<REQUEST><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><NAME>x</NAME></HARDWARE></CONTENT></REQUEST>', ctx), 'INVENTORY_BAD_DEVICEID');
  throwsCode(() => ocsXml.parse('<REQUEST><QUERY>INVENTORY</QUERY><DEVICEID>a-2026-01-02-03-04-05</DEVICEID></REQUEST>', ctx), 'INVENTORY_MALFORMED', /<CONTENT> element with sections, found none/);
  throwsCode(() => ocsXml.parse(ocsInventory('', '<CONTENT/>'), ctx), 'INVENTORY_MALFORMED', /found several/);
  assert.equal(ocsXml.parse(ocsInventory(''), ctx).software.length, 0);
});

test('deviceIdLooksValid follows the OCS server regex', () => {
  for (const ok of ['vm-2026-11-28-17-56-57', 'android-5a30d8711bbadc9d-2022-10-19-08-08-46', 'a-b-2019-03-14-09-26-53']) assert.ok(deviceIdLooksValid(ok), ok);
  for (const bad of ['vm', 'vm-2026-11-28', '-2026-11-28-17-56-57', 'vm-2026-11-28-17-56-5', 'vm-2026-11-28-17-56-57x']) assert.ok(!deviceIdLooksValid(bad), bad);
});

test('OCS vs Fusion and the agent from the User-Agent or VERSIONCLIENT', () => {
  const ocs = ocsXml.parse(ocsInventory('<HARDWARE><NAME>pc</NAME></HARDWARE>'), { limits, userAgent: 'OCS-NG_WINDOWS_AGENT_v2.9.0.0' });
  assert.deepEqual([ocs.format, ocs.agent.name, ocs.agent.version, ocs.changedSections], ['ocs-xml', 'OCS-NG_WINDOWS_AGENT', '2.9.0.0', null]);
  const fusion = ocsXml.parse(ocsInventory('<VERSIONCLIENT>FusionInventory-Agent_v2.6-3</VERSIONCLIENT>'), ctx);
  assert.deepEqual([fusion.format, fusion.agent.name, fusion.agent.version], ['fusion-xml', 'FusionInventory-Agent', '2.6-3']);
  assert.equal(ocsXml.parse(ocsInventory(''), { limits, userAgent: 'GLPI-Agent_v1.7' }).format, 'fusion-xml');
});

test('GLPI envelope: action, deviceid, content', () => {
  const contact = parseGlpiMessage('{"action":"CONTACT","deviceid":"pc-2026-01-02-03-04-05","name":"GLPI-Agent","version":"1.7"}', limits);
  assert.equal(contact.action, 'contact');
  assert.equal(contact.deviceId, 'pc-2026-01-02-03-04-05');
  throwsCode(() => glpiJson.parse('{"action":"contact","deviceid":"pc"}', ctx), 'INVENTORY_UNKNOWN_QUERY', /expected action "inventory"/);
  throwsCode(() => parseGlpiMessage('{"deviceid":"pc"}', limits), 'INVENTORY_UNKNOWN_QUERY');
  throwsCode(() => glpiJson.parse('{"action":"inventory","content":{}}', ctx), 'INVENTORY_BAD_DEVICEID');
  throwsCode(() => glpiJson.parse('{"action":"inventory","deviceid":"pc","content":[]}', ctx), 'INVENTORY_MALFORMED');
  throwsCode(() => parseGlpiMessage('{"action":', limits), 'INVENTORY_MALFORMED', /invalid JSON/);
  throwsCode(() => parseGlpiMessage('[1,2]', limits), 'INVENTORY_MALFORMED', /found an array/);
  const inv = glpiJson.parse(
    '{"action":"inventory","deviceid":"pc-2026-01-02-03-04-05","partial":true,"tag":"T1","itemtype":"Computer","content":{"versionclient":"GLPI-Agent_v1.7","hardware":{"name":"pc","memory":2048}}}',
    { limits, agentId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
  );
  assert.deepEqual(
    [inv.format, inv.partial, inv.tag, inv.agent.agentId, inv.agent.name, inv.agent.version, inv.hardware.memoryMb],
    ['glpi-json', true, 'T1', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'GLPI-Agent', '1.7', 2048],
  );
});

test('GLPI JSON caps: depth, node count, string length', () => {
  const deep = '{"action":"inventory","deviceid":"pc","content":' + '['.repeat(100) + ']'.repeat(100) + '}';
  throwsCode(() => glpiJson.parse(deep, ctx), 'INVENTORY_TOO_LARGE', /nesting depth/);
  const wide = JSON.stringify({ action: 'inventory', deviceid: 'pc', content: { envs: Array.from({ length: 200 }, (_, i) => ({ key: `K${i}` })) } });
  throwsCode(() => glpiJson.parse(wide, { limits: { ...limits, maxElements: 300 } }), 'INVENTORY_TOO_LARGE', /at most 300 values/);
  const long = JSON.stringify({ action: 'inventory', deviceid: 'pc', content: { hardware: { name: 'x'.repeat(70_000) } } });
  throwsCode(() => glpiJson.parse(long, ctx), 'INVENTORY_TOO_LARGE', /strings ≤ 65536/);
});

test('software cap', () => {
  const softwares = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}` }));
  throwsCode(
    () => contentToInventory({ softwares }, { format: 'glpi-json', deviceId: 'pc' }, { maxSoftware: 100 }),
    'INVENTORY_TOO_LARGE', /expected at most 100 software entries, found 101 \(device pc\)/,
  );
});

test('detectFormat and the registry', () => {
  assert.deepEqual(formats.ids(), ['ocs-xml', 'glpi-json']);
  // Every parser file is registered under its file name (style.md §3.3); the others are shared helpers.
  const helpers = new Set(['index.ts', 'types.ts', 'content-mapper.ts', 'ocs-checksum.ts', 'xml.ts']);
  const parserFiles = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !helpers.has(f));
  assert.deepEqual(parserFiles.map((f) => f.replace(/\.ts$/, '')).sort(), formats.ids().sort());
  assert.equal(detectFormat('\n  <?xml version="1.0"?><REQUEST/>').id, 'ocs-xml');
  assert.equal(detectFormat(' {"action":"contact"}').id, 'glpi-json');
  throwsCode(() => detectFormat('QUERY=INVENTORY'), 'INVENTORY_UNSUPPORTED_FORMAT', /found "QUERY=INVENTORY"/);
});

// ---- mapping rules on small inline content ----

const map = (content: Record<string, unknown>, itemtype: string | null = null) =>
  contentToInventory(content, { format: 'glpi-json', deviceId: 'pc', itemtype }, { maxSoftware: 1000 });

test('software: field names of OCS, Fusion and GLPI; origins; dates', () => {
  const inv = map({
    softwares: [
      { name: 'curl', version: '7.88.1-10', architecture: 'amd64', from: 'deb', installdate: '2025/05/24 14:39:06', filesize: '1024' },
      { name: 'bash', version: '5.2', arch: 'x86_64', from: 'RPM', install_date: '2019-12-19', system_category: 'shells', no_remove: true },
      { name: 'Office', from: 'WMI', installdate: '18/04/2017' },
      { name: 'Safari', from: 'application', installdate: '1970-00-01' },
      { name: '  ', version: '1' },
      { name: 'odd', from: 'nix' },
    ],
  });
  assert.deepEqual(inv.software.map((s) => [s.name, s.arch, s.origin, s.installDate]), [
    ['curl', 'amd64', 'deb', '2025-05-24 14:39:06'],
    ['bash', 'x86_64', 'rpm', '2019-12-19'],
    ['Office', null, 'msi', '2017-04-18'],
    ['Safari', null, 'macos', null],
    ['odd', null, 'other', null],
  ]);
  assert.deepEqual(inv.software[0]?.extra, { filesize: '1024' });
  assert.deepEqual(inv.software[1]?.extra, { system_category: 'shells', no_remove: '1' });
});

test('networks: entries grouped by interface, IPv6 kept apart, speed and flags', () => {
  const inv = map({
    networks: [
      { description: 'eth0', macaddr: '02:00:00:00:00:01', ipaddress: '192.0.2.2', ipmask: '255.255.255.0', speed: '1000 Mbps', virtualdev: '0' },
      { description: 'eth0', macaddr: '02:00:00:00:00:01', ipaddress: 'fe80::1', ipmask: 'ffff:ffff:ffff:ffff::', speed: '1000 Mbps' },
      { description: 'eth0', mac: '02:00:00:00:00:01', ipaddress6: '2001:db8::2', ipmask6: 'ffff:ffff:ffff:ffff::' },
      { description: 'eth0', ipaddress: '192.0.2.3' },
      { description: 'lo', ipaddress: '127.0.0.1', speed: '-1 Mbps', virtualdev: true, mtu: 65536 },
    ],
  });
  assert.equal(inv.interfaces.length, 2);
  const [eth0, lo] = inv.interfaces;
  assert.deepEqual([eth0?.ipv4, eth0?.ipv6, eth0?.mask, eth0?.speedMbps, eth0?.virtual], [['192.0.2.2', '192.0.2.3'], ['fe80::1', '2001:db8::2'], '255.255.255.0', 1000, false]);
  assert.equal(eth0?.extra.ipmask6, 'ffff:ffff:ffff:ffff::');
  assert.deepEqual([lo?.speedMbps, lo?.virtual, lo?.mtu], [null, true, 65536]);
});

test('drives, services, account info, identity and kind', () => {
  const inv = map({
    hardware: { name: 'pc', uuid: '4C4C4544-0034', vmsystem: 'Physical', memory: '8192', checksum: '513', etime: '3' },
    bios: { ssn: 'ABC123', smanufacturer: 'Dell Inc.', smodel: 'XPS 13', bversion: '1.4.3', bdate: '02/06/2016', skunumber: 'SKU1' },
    operatingsystem: { name: 'Windows', full_name: 'Microsoft Windows 11 Pro', fqdn: 'pc.example.org', dns_domain: 'example.org', timezone: { name: 'CET', offset: '+0100' } },
    drives: [{ letter: 'C:', type: 'Local Disk', filesystem: 'NTFS', total: 1000, free: '10' }, { type: '/', volumn: '/dev/sda1', total: '' }, { filesystem: 'tmpfs' }],
    services: [{ name: 'sshd', displayname: 'OpenSSH', status: 'running', start_mode: 'auto' }],
    accountinfo: [{ keyname: 'TAG', keyvalue: 'LAB' }, { keyname: 'OWNER', keyvalue: '' }],
    cpus: [{ name: 'Intel Core i7', core: 4 }],
    versionclient: 'GLPI-Agent_v1.7',
  });
  assert.deepEqual(inv.volumes.map((v) => [v.mount, v.device, v.totalMb, v.freeMb]), [['C:', null, 1000, 10], ['/', '/dev/sda1', null, null]]);
  assert.deepEqual(inv.services, [{ name: 'sshd', displayName: 'OpenSSH', state: 'running', startMode: 'auto', extra: {} }]);
  assert.deepEqual(inv.accountInfo, [{ key: 'TAG', value: 'LAB' }, { key: 'OWNER', value: '' }]);
  assert.equal(inv.tag, 'LAB');
  assert.deepEqual(inv.identity, { hostname: 'pc', fqdn: 'pc.example.org', domain: 'example.org', uuid: '4C4C4544-0034', serial: 'ABC123', vendor: 'Dell Inc.', model: 'XPS 13', assetTag: null });
  assert.deepEqual([inv.kind, inv.hardware.memoryMb, inv.hardware.cpuCount, inv.hardware.cpuModel, inv.bios.date], ['computer', 8192, 1, 'Intel Core i7', '2016-02-06']);
  // Untyped fields of the typed single-record sections are kept, CHECKSUM is not.
  assert.deepEqual(inv.sections.hardware, [{ etime: '3' }]);
  assert.deepEqual(inv.sections.bios, [{ skunumber: 'SKU1' }]);
  assert.deepEqual(inv.sections.operatingsystem, [{ timezone: { name: 'CET', offset: '+0100' } }]);
  assert.deepEqual(inv.sections.cpus, [{ name: 'Intel Core i7', core: '4' }]);
  assert.deepEqual(inv.sections.versionclient, [{ value: 'GLPI-Agent_v1.7' }]);
  assert.equal(map({ hardware: { vmsystem: 'KVM' } }).kind, 'virtual-machine');
  assert.equal(map({}, 'NetworkEquipment').kind, 'network');
  assert.equal(map({}, 'Unmanaged').kind, 'other');
});

test('a value the model refuses becomes INVENTORY_INVALID naming the field', () => {
  throwsCode(() => contentToInventory({}, { format: 'glpi-json', deviceId: '' }, { maxSoftware: 10 }), 'INVENTORY_INVALID', /^inventory rejected: agent\.deviceId: /);
});
