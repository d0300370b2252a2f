/**
 * GLPI Agent netinventory content (../shared/corpus/glpi/examples: networkequipment_*, printer_*) → the SNMP device
 * model, against the FusionInventory XML path for the same device (../shared/corpus/glpi/xml/6.xml is the SNMPQUERY
 * that networkequipment_1 was converted from); hostile shapes never throw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hasShared, SHARED, skipUnless } from '../../test/helpers/components.js';
import { parseXml } from '../inventory/formats/xml.js';
import { fingerprints } from './fingerprint/load.js';
import { fromFusionMessage, uptimeOf } from './from-agent.js';
import { fromGlpiNetInventory } from './from-glpi-json.js';
import { MAX_STRING } from './sanitise.js';

const skip = skipUnless(hasShared, '../shared corpus missing');
const EXAMPLES = `${SHARED}corpus/glpi/examples/`;
const LIMITS = { maxDepth: 64, maxElements: 1_000_000, maxFieldBytes: 65536 };
interface Message { action: string; itemtype: string; content: Record<string, unknown> & { network_device: Record<string, unknown> } }
const example = (name: string): Message => JSON.parse(readFileSync(`${EXAMPLES}${name}.json`, 'utf8')) as Message;
const device = async (content: unknown, itemtype: string | null = null) => {
  const r = await fromGlpiNetInventory(content, itemtype, fingerprints());
  assert.equal(r.devices.length, 1, r.notStored.join('; '));
  return r.devices[0]!;
};

/**
 * What each example holds, read from its JSON: the agent's values. No sysDescr in these: the manufacturer alone never
 * picks one of a vendor's definitions, the firmware's shape may (the definitions' reportedFirmware patterns).
 */
const EXPECTED: Record<string, { vendor: string; model: string; serial: string; version: string; type: string; interfaces: number; uptime: number; address: string; neighbour: string | null; osId?: string | null }> = {
  // UCS fabric interconnect: NX-OS by its firmware's shape; the model is the chassis component's
  networkequipment_1: { vendor: 'Cisco', model: 'UCS-FI-6248UP', serial: 'SSI1912014B', version: '5.0(3)N2(4.02b)', type: 'switch', interfaces: 183, uptime: 482 * 86400 + 5 * 3600 + 42 * 60 + 18, address: '127.0.0.1', neighbour: 'cdp mgmt0 → sw2-mgmt-eqnx FastEthernet0/2 172.25.1.2 cisco WS-C2960-48TC-S -', osId: 'nxos' },
  networkequipment_2: { vendor: 'Cisco', model: 'WS-C3750G-48TS-S', serial: 'FOC1243W0ED', version: '12.2(55)SE6', type: 'switch', interfaces: 475, uptime: 103 * 86400 + 13 * 3600 + 53 * 60 + 28, address: '10.1.0.100', neighbour: 'lldp Po6 → - - - - 00:14:4f:f2:b7:fe', osId: 'ios' },
  // ArubaOS-Switch firmware (YA.15.x): the definition's vendor name replaces the agent's
  networkequipment_3: { vendor: 'HPE Aruba', model: '2530-48G', serial: 'CN5BFP62CP', version: 'YA.15.12.0015', type: 'switch', interfaces: 61, uptime: 788940, address: '192.168.63.30', neighbour: 'lldp 1 → Cisco IP Phone SPA303 Port 1 192.168.63.52 7.5.2Cisco IP Phone SPA3 38:1c:1a:b5:73:20', osId: 'procurve' },
  // a WLC: no definition fits, so the agent's own model, firmware and type, and no OS
  networkequipment_4: { vendor: 'Cisco', model: 'CT5520', serial: 'FCH1946V219', version: '8.2.100.0', type: 'switch', interfaces: 3, uptime: 53 * 86400 + 4 * 3600 + 19 * 60 + 42, address: '1.1.1.1', neighbour: 'cdp TenGigabitEthernet0/0/1 → CH-GV2-DSI-SW-BBONE-1(FOX1819GEG6) Ethernet1/9 192.168.200.6 N5K-C5596UP -', osId: null },
  networkequipment_5: { vendor: 'D-Link', model: 'DGS-3420-52T', serial: 'R3843D1000001', version: '1.50B032', type: 'switch', interfaces: 54, uptime: 65 * 86400 + 20 * 3600 + 13 * 60 + 8, address: '192.168.16.51', neighbour: 'lldp 1/1 → - - - - 00:15:17:63:7e:64', osId: 'dlink' },
  printer_1: { vendor: 'Hewlett-Packard', model: 'HP LaserJet M507', serial: 'PHCVN191TG', version: '2409048_052887', type: 'printer', interfaces: 2, uptime: 7 * 86400 + 3600 + 26 * 60 + 41, address: '10.59.29.175', neighbour: null, osId: null },
  printer_2: { vendor: 'Canon', model: 'Canon MX 5970', serial: 'SDFSDF9874', version: '8745213_951236', type: 'printer', interfaces: 2, uptime: 8 * 86400 + 3600 + 26 * 60 + 41, address: '10.59.29.176', neighbour: null, osId: 'canonprinter' },
  printer_3: { vendor: 'Canon', model: 'Canon MX 5970', serial: 'SDFSDF9874', version: '8745213_951236', type: 'printer', interfaces: 3, uptime: 8 * 86400 + 3600 + 26 * 60 + 41, address: '10.59.29.176', neighbour: null, osId: 'canonprinter' },
};

test('every GLPI netinventory example: identity, firmware, type, ports, a neighbour', { skip }, async () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    const m = example(name);
    assert.equal(m.action, 'netinventory', name);
    const d = await device(m.content, m.itemtype);
    const inv = d.inventory;
    assert.deepEqual(
      { vendor: inv.vendor, model: inv.model, serial: inv.serial, version: inv.version, type: inv.type, interfaces: inv.interfaces.length, uptime: inv.uptime, address: d.address },
      { vendor: want.vendor, model: want.model, serial: want.serial, version: want.version, type: want.type, interfaces: want.interfaces, uptime: want.uptime, address: want.address },
      name,
    );
    if (want.osId !== undefined) assert.equal(inv.osId, want.osId, name);
    assert.equal(inv.sysName, m.content.network_device.name, name);
    assert.equal(inv.baseMac, m.content.network_device.mac, name);
    const n = (x: (typeof inv.neighbors)[number]) => `${x.protocol} ${x.localPort} → ${[x.remoteName, x.remotePort, x.remoteAddress, x.platform, x.remoteChassisId].map((v) => v ?? '-').join(' ')}`;
    if (want.neighbour) assert.ok(inv.neighbors.map(n).includes(want.neighbour), `${name}: ${inv.neighbors.slice(0, 5).map(n).join(' | ')}`);
    else assert.deepEqual(inv.neighbors, [], name);
    // JSON numbers are read as numbers: every port kept, with its ifIndex, type and speed
    const ports = m.content.network_ports as { ifnumber: number; iftype: number; ifspeed: number }[];
    assert.deepEqual(inv.interfaces.map((i) => [i.index, i.type, i.speed]), ports.map((p) => [p.ifnumber, p.iftype, p.ifspeed]), name);
    assert.equal(inv.modules.length, ((m.content.network_components as unknown[] | undefined) ?? []).length, name);
  }
  const ucs = (await device(example('networkequipment_1').content)).inventory;
  assert.deepEqual([ucs.sysContact, ucs.sysLocation], ['noc@glpi-project.org', 'paris.pa3']);
  const po7 = (await device(example('networkequipment_2').content)).inventory.neighbors.filter((x) => x.localPort === 'Po7');
  assert.equal(po7.length, 20, 'a MAC address table of 20 entries: one row each');
  const eth = (await device(example('networkequipment_2').content)).inventory.interfaces.find((i) => i.index === 5006)!;
  assert.deepEqual([eth.name, eth.descr, eth.alias, eth.operStatus, eth.adminStatus, eth.mac], ['Po6', 'Port-channel6', 'lag1.srv00108.glpi-project.infra', 'up', 'up', '00:14:a9:37:ee:2d']);
});

test('the sysDescr GLPI sends as description picks the definition: OS, version, scheme and CPE', { skip }, async () => {
  const ios = example('networkequipment_2');
  ios.content.network_device.description = 'Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE6, RELEASE SOFTWARE (fc1)';
  const c = (await device(ios.content, ios.itemtype)).inventory;
  assert.deepEqual([c.osId, c.os, c.version, c.versionScheme, c.cpe, c.features], ['ios', 'IOS', '12.2(55)SE6', 'cisco-ios', 'cpe:2.3:o:cisco:ios:12.2\\(55\\)se6:*:*:*:*:*:*:*', 'C3750-IPSERVICESK9-M']);
  const jd = example('printer_1');
  jd.content.network_device.description = 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090048,CIDATE 09/16/2019';
  const p = (await device(jd.content, jd.itemtype)).inventory;
  assert.deepEqual([p.osId, p.vendor, p.type, p.model, p.version], ['jetdirect', 'HP', 'printer', 'HP LaserJet M507', '2409048_052887']);
});

test('Cisco reports without a sysDescr: never the SMB definition on the manufacturer alone; no OS and no CPE without discriminating evidence', { skip }, async () => {
  for (const name of ['networkequipment_1', 'networkequipment_2', 'networkequipment_4']) {
    const m = example(name);
    const nd = m.content.network_device;
    const agent = { model: nd.model, serial: nd.serial, firmware: nd.firmware };
    // as sent: the firmware's shape decides where a definition declares it (NX-OS, IOS), nothing else does (WLC)
    const asSent = (await device(m.content, m.itemtype)).inventory;
    assert.notEqual(asSent.osId, 'ciscosb', name);
    assert.doesNotMatch(asSent.os ?? '', /SMB/, name);
    // without the firmware: only "Cisco" is left, which fits seven definitions
    delete nd.firmware;
    delete m.content.firmwares;
    const bare = (await device(m.content, m.itemtype)).inventory;
    assert.deepEqual([bare.osId, bare.os, bare.cpe, bare.versionScheme, bare.vendor, bare.serial], [null, null, null, null, 'Cisco', agent.serial], name);
    assert.equal(bare.problems.length, 1, name);
    assert.match(bare.problems[0]!, /^fingerprint: the manufacturer "Cisco" alone does not tell asa, ciscosb, ftd, ios, iosxe, iosxr, nxos apart \(no sysDescr; no firmware; model .*\); kept the agent's model\/serial\/firmware, no OS and no CPE$/, name);
  }
  const wlc = (await device(example('networkequipment_4').content)).inventory;
  assert.deepEqual([wlc.osId, wlc.os, wlc.cpe, wlc.version, wlc.rawVersion, wlc.model], [null, null, null, '8.2.100.0', '8.2.100.0', 'CT5520']);
  assert.deepEqual(wlc.problems, [
    'fingerprint: the manufacturer "Cisco" alone does not tell asa, ciscosb, ftd, ios, iosxe, iosxr, nxos apart (no sysDescr; firmware "8.2.100.0" fits none of their reportedFirmware patterns; model "CT5520" / "AIR-CT5520-K9" fits none of their reportedModel patterns); kept the agent\'s model/serial/firmware, no OS and no CPE',
  ]);
  // a sysDescr that none of the Cisco patterns reads (AireOS says only this) leaves SMB's OID item to the manufacturer alone
  const aireos = example('networkequipment_4');
  aireos.content.network_device.description = 'Cisco Controller';
  const c = (await device(aireos.content)).inventory;
  assert.deepEqual([c.osId, c.cpe], [null, null]);
  assert.match(c.problems[0]!, /alone does not prove ciscosb, one of its 7 definitions \(the sysDescr matches none of their patterns;/);

  const ucs = (await device(example('networkequipment_1').content)).inventory;
  assert.deepEqual([ucs.osId, ucs.os, ucs.versionScheme, ucs.cpe, ucs.problems], ['nxos', 'NX-OS', 'cisco-ios', 'cpe:2.3:o:cisco:nx-os:5.0\\(3\\)n2\\(4.02b\\):*:*:*:*:*:*:*', []]);
  const cat = (await device(example('networkequipment_2').content)).inventory;
  assert.deepEqual([cat.osId, cat.cpe, cat.problems], ['ios', 'cpe:2.3:o:cisco:ios:12.2\\(55\\)se6:*:*:*:*:*:*:*', []]);
});

test('HP switches: ArubaOS-Switch/ProCurve firmware (XX.15/16) and AOS-CX firmware (XX.10) each give one definition, with or without a sysDescr', { skip }, async () => {
  const hp = (firmware: string, description?: string) => {
    const m = example('networkequipment_3');
    m.content.network_device.firmware = firmware;
    m.content.firmwares = [{ ...(m.content.firmwares as Record<string, unknown>[])[0], version: firmware }];
    if (description) m.content.network_device.description = description;
    return device(m.content, m.itemtype).then((d) => d.inventory);
  };
  const sw = await hp('YA.15.12.0015');
  assert.deepEqual([sw.osId, sw.os, sw.vendor, sw.version, sw.versionScheme, sw.cpe, sw.problems], ['procurve', 'ArubaOS-Switch', 'HPE Aruba', 'YA.15.12.0015', 'aruba-switch', 'cpe:2.3:o:hp:arubaos-switch:ya.15.12.0015:*:*:*:*:*:*:*', []]);
  const described = await hp('YA.15.12.0015', 'HP J9775A 2530-48G Switch, revision YA.15.12.0015, ROM YA.15.09 (/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))');
  assert.deepEqual([described.osId, described.cpe, described.model], ['procurve', 'cpe:2.3:o:hp:arubaos-switch:ya.15.12.0015:*:*:*:*:*:*:*', 'J9775A 2530-48G']);
  for (const v of ['KB.16.10.0009', 'WC.16.11.0012', 'W.15.08.0012']) assert.equal((await hp(v)).osId, 'procurve', v);
  const cx = await hp('FL.10.06.0110');
  assert.deepEqual([cx.osId, cx.os, cx.version, cx.cpe, cx.problems], ['arubaos-cx', 'AOS-CX', 'FL.10.06.0110', 'cpe:2.3:o:arubanetworks:arubaos-cx:fl.10.06.0110:*:*:*:*:*:*:*', []]);
  const cxDescribed = await hp('GL.10.04.2000', 'Aruba JL635A 8325 GL.10.04.2000');
  assert.equal(cxDescribed.osId, 'arubaos-cx');
  for (const v of ['PL.10.10.0002', 'LL.10.13.1040']) assert.equal((await hp(v)).osId, 'arubaos-cx', v);
  // a firmware neither family spells: the agent's values, no CPE
  const other = await hp('2409048_052887');
  assert.deepEqual([other.osId, other.cpe, other.version], [null, null, '2409048_052887']);
  assert.match(other.problems[0]!, /^fingerprint: the manufacturer "Hewlett-Packard" alone does not tell .*arubaos-cx.*procurve apart/);
});

test('the JSON path gives the device the XML path gives for the same SNMPQUERY (inventory_format 6.xml → networkequipment_1)', { skip }, async () => {
  const xml = await fromFusionMessage(parseXml(readFileSync(`${SHARED}corpus/glpi/xml/6.xml`, 'utf8'), LIMITS).root, fingerprints());
  const fromXml = xml.devices[0]!.inventory;
  const m = example('networkequipment_1');
  // the converted example lost COMMENTS (sysDescr) and components' REVISION / VERSION, and gained the device's IPs
  m.content.network_device.description = fromXml.sysDescr;
  const fromJson = (await device(m.content, m.itemtype)).inventory;
  assert.equal(fromXml.osId, 'nxos');
  assert.deepEqual([fromJson.osId, fromJson.os, fromJson.cpe], ['nxos', 'NX-OS', 'cpe:2.3:o:cisco:nx-os:5.0\\(3\\)n2\\(4.02b\\):*:*:*:*:*:*:*']);
  assert.deepEqual({ ...fromJson, modules: [] }, { ...fromXml, modules: [] });
  assert.deepEqual(fromJson.modules, fromXml.modules.map((x) => ({ ...x, hardwareRev: null, softwareRev: null })));
  assert.equal(fromJson.neighbors.filter((x) => x.protocol === 'cdp').length, 5, 'the CDP=1 (lldp: true) ports: neighbours without a chassis MAC');
});

test('JSON and XML of one device read alike, neighbours by protocol, timeticks uptime', async () => {
  const descr = 'Cisco IOS Software [Bengaluru], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.6.4, RELEASE SOFTWARE (fc1)';
  const xml = parseXml(`<REQUEST><CONTENT><DEVICE><COMPONENTS><COMPONENT><CONTAINEDININDEX>0</CONTAINEDININDEX><DESCRIPTION>Cisco ISR4321 Chassis</DESCRIPTION><INDEX>1</INDEX>
    <MANUFACTURER>Cisco Systems Inc</MANUFACTURER><MODEL>ISR4321/K9</MODEL><NAME>Chassis</NAME><SERIAL>FDO2249A154</SERIAL><TYPE>chassis</TYPE></COMPONENT></COMPONENTS>
    <FIRMWARES><DESCRIPTION>device firmware</DESCRIPTION><NAME>4321 ISR</NAME><VERSION>17.06.04</VERSION></FIRMWARES>
    <INFO><COMMENTS>${descr}</COMMENTS><FIRMWARE>17.06.04</FIRMWARE><MAC>70:c9:c6:cb:4e:20</MAC><MANUFACTURER>Cisco</MANUFACTURER><MODEL>4321 ISR</MODEL><NAME>isr</NAME>
    <SERIAL>FDO2249A154</SERIAL><TYPE>NETWORKING</TYPE><UPTIME>(123456) 0:20:34.56</UPTIME><IPS><IP>not an address</IP><IP>192.0.2.1</IP></IPS></INFO>
    <PORTS><PORT><CONNECTIONS><CDP>1</CDP><CONNECTION><SYSNAME>sw1</SYSNAME><IFDESCR>Gi1/0/1</IFDESCR><IP>192.0.2.2</IP><MODEL>WS-C2960X-24TS-L</MODEL></CONNECTION></CONNECTIONS>
      <IFNUMBER>1</IFNUMBER><IFNAME>Gi0/0/0</IFNAME><IFDESCR>GigabitEthernet0/0/0</IFDESCR><IFTYPE>6</IFTYPE><IFSPEED>1000000000</IFSPEED><IFSTATUS>1</IFSTATUS><IFINTERNALSTATUS>1</IFINTERNALSTATUS>
      <MAC>70:c9:c6:cb:4e:20</MAC><IPS><IP>192.0.2.1</IP></IPS></PORT>
    <PORT><CONNECTIONS><CDP>1</CDP><CONNECTION><SYSNAME>ap1</SYSNAME><SYSMAC>00:11:22:33:44:55</SYSMAC><IFNUMBER>3</IFNUMBER></CONNECTION></CONNECTIONS><IFNUMBER>2</IFNUMBER><IFNAME>Gi0/0/1</IFNAME><IFSTATUS>7</IFSTATUS></PORT>
    <PORT><CONNECTIONS><CONNECTION><MAC>00:aa:00:00:00:01</MAC><MAC>00:aa:00:00:00:02</MAC></CONNECTION></CONNECTIONS><IFNUMBER>3</IFNUMBER><IFNAME>Gi0/1/0</IFNAME></PORT></PORTS>
    </DEVICE></CONTENT><QUERY>SNMPQUERY</QUERY></REQUEST>`, LIMITS).root;
  const json = {
    network_device: { description: descr, firmware: '17.06.04', mac: '70:c9:c6:cb:4e:20', manufacturer: 'Cisco', model: '4321 ISR', name: 'isr', serial: 'FDO2249A154', type: 'Networking', uptime: '(123456) 0:20:34.56', ips: ['not an address', '192.0.2.1'], cpu: 4, credentials: 1 },
    network_components: [{ contained_index: 0, description: 'Cisco ISR4321 Chassis', index: 1, manufacturer: 'Cisco Systems Inc', model: 'ISR4321/K9', name: 'Chassis', serial: 'FDO2249A154', type: 'chassis', fru: 1 }],
    firmwares: [{ description: 'device firmware', name: '4321 ISR', version: '17.06.04' }],
    network_ports: [
      { ifnumber: 1, ifname: 'Gi0/0/0', ifdescr: 'GigabitEthernet0/0/0', iftype: 6, ifspeed: 1000000000, ifstatus: 1, ifinternalstatus: 1, mac: '70:c9:c6:cb:4e:20', ips: ['192.0.2.1'], lldp: true, trunk: false, connections: [{ sysname: 'sw1', ifdescr: 'Gi1/0/1', ip: '192.0.2.2', model: 'WS-C2960X-24TS-L' }] },
      { ifnumber: 2, ifname: 'Gi0/0/1', ifstatus: 7, lldp: true, connections: [{ sysname: 'ap1', sysmac: '00:11:22:33:44:55', ifnumber: 3 }] },
      { ifnumber: 3, ifname: 'Gi0/1/0', connections: [{ mac: ['00:aa:00:00:00:01', '00:aa:00:00:00:02'] }] },
    ],
  };
  const a = (await fromFusionMessage(xml, fingerprints())).devices[0]!;
  const b = await device(json, 'NetworkEquipment');
  assert.deepEqual(b, a);
  const inv = b.inventory;
  assert.deepEqual([inv.osId, inv.version, inv.model, inv.uptime, b.address], ['iosxe', '17.6.4', 'ISR4321/K9', 1234, '192.0.2.1']);
  assert.equal(inv.interfaces[1]!.operStatus, 'lowerLayerDown');
  assert.deepEqual(inv.neighbors.map((x) => [x.protocol, x.localPort, x.remoteName ?? x.remoteChassisId, x.remotePort]), [
    ['cdp', 'Gi0/0/0', 'sw1', 'Gi1/0/1'],
    ['lldp', 'Gi0/0/1', 'ap1', '3'],
    ['lldp', 'Gi0/1/0', '00:aa:00:00:00:01', null],
    ['lldp', 'Gi0/1/0', '00:aa:00:00:00:02', null],
  ]);
});

test('uptime as agents write it', () => {
  const rows: [string | null, number | null][] = [
    ['12.60 seconds', 12],
    ['482 days, 05:42:18.50', 41665338],
    ['(78894038) 9 days, 3:09:00.38', 788940],
    ['1 day, 0:00:01.00', 86401],
    ['0:02:05.00', 125],
    ['(123456) 0:20:34.56', 1234],
    ['53 days, 4:19:42', 53 * 86400 + 4 * 3600 + 19 * 60 + 42],
    ['', null],
    [null, null],
    ['yesterday', null],
    ['9 days, 3:69:00.38', null],
    ['-5 seconds', null],
    ['9'.repeat(1000) + ' days, 0:00:00.00', null],
  ];
  for (const [text, seconds] of rows) assert.equal(uptimeOf(text), seconds, String(text));
});

test('hostile content: wrong types, missing parts, huge strings never throw', async () => {
  const data = fingerprints();
  for (const content of [undefined, null, 'x', 42, true, [], [{ network_device: { name: 'a' } }], {}, { network_device: null }, { network_device: [] }, { network_device: 'sw1' }, { network_device: {} }, { network_device: { cpu: 4, ips: ['10.0.0.1'] } }, { network_device: { name: { a: 1 }, serial: [1], mac: null } }]) {
    const r = await fromGlpiNetInventory(content, 'NetworkEquipment', data);
    assert.equal(r.devices.length, 0, JSON.stringify(content));
    assert.match(r.notStored[0] ?? '', /^expected (a "content" object|a content\.network_device object|content\.network_device with a name, serial, mac or description), found /, JSON.stringify(content));
  }
  assert.deepEqual((await fromGlpiNetInventory({ network_device: [] }, null, data)).notStored, ['expected a content.network_device object, found an array']);

  let deep: unknown = 'x';
  for (let i = 0; i < 10_000; i++) deep = { a: [deep] };
  const odd = await device({
    network_device: { name: 42, serial: true, mac: ['aa'], description: deep, uptime: 1e308, ips: 'not-a-list', manufacturer: { evil: 1 }, model: null, type: 12, firmware: [], contact: NaN },
    network_ports: [null, 5, 'x', [], { ifnumber: '1e400' }, { ifnumber: 'abc' }, { ifnumber: 7, connections: 'x', lldp: 'yes', ips: [{}, null, 5, '10.0.0.7'] }, { ifnumber: 8, connections: [null, 3, { mac: [{}, 7, 'aa:bb'] }], ifspeed: 'fast', iftype: {} }],
    network_components: { index: 'x', serial: 5 },
    firmwares: 'x',
  });
  const i = odd.inventory;
  assert.deepEqual([i.sysName, i.serial, i.baseMac, i.sysDescr, i.uptime, i.vendor, i.model, i.type], ['42', null, null, null, null, null, null, 'other']);
  assert.deepEqual(i.interfaces.map((x) => [x.index, x.ips, x.speed, x.type]), [[7, ['10.0.0.7'], null, null], [8, [], null, null]]);
  assert.deepEqual(i.neighbors.map((x) => x.remoteChassisId), ['7', 'aa:bb'], 'empty connections are no neighbour');
  assert.equal(i.modules.length, 1);
  assert.equal(odd.address, null, 'not an IP address');
  // an own "__proto__" key, as JSON.parse makes it, is only a key
  const own = await device(JSON.parse('{"network_device":{"name":"sw","__proto__":{"serial":"X"}},"__proto__":{"network_ports":[{"ifnumber":1}]}}'));
  assert.deepEqual([own.inventory.serial, own.inventory.interfaces.length, ({} as Record<string, unknown>).network_ports], [null, 0, undefined]);

  const big = 'A'.repeat(1 << 20);
  const started = performance.now();
  const huge = await device({
    network_device: { name: big, description: `Cisco IOS Software ${big}`, serial: big, model: big, firmware: big, uptime: `(${'1'.repeat(1 << 20)}) 1 day, 0:00:00.00`, contact: big, location: big, mac: big, manufacturer: big, ips: [big] },
    network_ports: [{ ifnumber: 1, ifname: big, ifdescr: big, ifalias: big, connections: [{ sysname: big, sysdescr: big, mac: [big] }] }],
    network_components: [{ index: 1, type: 'chassis', description: big, model: big, serial: big }],
    firmwares: [{ version: big }],
  });
  assert.ok(performance.now() - started < 2000, 'read in linear time');
  const strings = JSON.stringify(huge).match(/"[^"]*"/g)!;
  assert.ok(strings.every((s) => s.length <= MAX_STRING + 2), `every string capped at ${MAX_STRING}`);
  assert.equal(huge.inventory.uptime, null);
});
