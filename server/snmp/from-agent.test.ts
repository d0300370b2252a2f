/** FusionInventory SNMPQUERY / NETDISCOVERY captures (../shared/corpus/agents/exchanges) → the SNMP device model. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { hasShared, SHARED, skipUnless } from '../../test/helpers/components.js';
import { parseXml } from '../inventory/formats/xml.js';
import { detectReported } from './fingerprint/engine.js';
import { fingerprints } from './fingerprint/load.js';
import { fromFusionMessage } from './from-agent.js';
import { toInventory } from './to-inventory.js';

const DIR = `${SHARED}corpus/agents/exchanges/fusion-netdiscovery-snmpquery/`;
const LIMITS = { maxDepth: 64, maxElements: 1_000_000, maxFieldBytes: 65536 };
const read = (n: string) => parseXml(gunzipSync(readFileSync(`${DIR}${n}-req.xml.gz`)).toString('utf8'), LIMITS).root;
const skip = skipUnless(hasShared, '../shared corpus missing');

test('SNMPQUERY device: identity, ports with IPs, neighbour MACs', { skip }, async () => {
  const { devices: [dev] } = await fromFusionMessage(read('003'), fingerprints());
  assert.ok(dev);
  const inv = dev.inventory;
  assert.equal(inv.sysName, 'vm-loopback-snmpd');
  // manufacturer Net-SNMP names enterprise 8072 (the linux definition's OID) and the sysDescr starts with Linux
  assert.equal(inv.osId, 'linux');
  assert.equal(inv.sysLocation, 'Lab rack A3 (capture test)');
  assert.equal(inv.uptime, 12);
  assert.equal(dev.address, '127.0.0.1');
  const lo = inv.interfaces.find((i) => i.name === 'lo')!;
  assert.deepEqual([lo.index, lo.type, lo.operStatus, lo.ips], [1, 24, 'up', ['127.0.0.1']]);
  assert.ok(inv.neighbors.some((n) => n.remoteChassisId === '02:fc:00:00:00:05'));
  const canonical = toInventory(inv, { host: dev.address!, port: 161 }, 'fusion');
  assert.equal(canonical.format, 'snmp');
  assert.equal(canonical.interfaces.length, inv.interfaces.length);
});

test('NETDISCOVERY device and the empty start/end messages', { skip }, async () => {
  const { devices: [dev] } = await fromFusionMessage(read('008'), fingerprints());
  assert.equal(dev?.inventory.sysName, 'vm-loopback-snmpd');
  assert.equal(dev?.address, '127.0.0.1');
  assert.deepEqual(await fromFusionMessage(read('002'), fingerprints()), { devices: [], notStored: [] });
});

const xml = (device: string) => parseXml(`<REQUEST><CONTENT>${device}<PROCESSNUMBER>2</PROCESSNUMBER></CONTENT><DEVICEID>a-2026-01-01-00-00-00</DEVICEID><QUERY>SNMPQUERY</QUERY></REQUEST>`, LIMITS).root;

test('agent errors and hosts found without SNMP are reported, not stored', async () => {
  const r = await fromFusionMessage(xml('<DEVICE><ERROR><ID>3</ID><MESSAGE>SNMP communication error: no response</MESSAGE></ERROR></DEVICE><DEVICE><IP>10.0.0.9</IP><DNSHOSTNAME>printer9</DNSHOSTNAME><MAC>00:11:22:33:44:55</MAC></DEVICE>'), fingerprints());
  assert.deepEqual(r.devices, []);
  assert.deepEqual(r.notStored, ['device 3: SNMP communication error: no response', '10.0.0.9: found without SNMP (dnshostname, mac)']);
});

test('agent values read through the definition: version from sysDescr, model and serial from the chassis component', async () => {
  // the INFO / COMPONENTS that fusioninventory-netinventory 2.6 reports for the iosxe_isr4321 recording
  const device = `<DEVICE><COMPONENTS><COMPONENT><CONTAINEDININDEX>0</CONTAINEDININDEX><DESCRIPTION>Cisco ISR4321 Chassis</DESCRIPTION><INDEX>1</INDEX>
    <MANUFACTURER>Cisco Systems Inc</MANUFACTURER><MODEL>ISR4321/K9</MODEL><NAME>Chassis</NAME><SERIAL>FDO2249A154</SERIAL><TYPE>chassis</TYPE></COMPONENT></COMPONENTS>
    <FIRMWARES><DESCRIPTION>device firmware</DESCRIPTION><NAME>4321 ISR</NAME><VERSION>17.06.04</VERSION></FIRMWARES>
    <INFO><COMMENTS>Cisco IOS Software [Bengaluru], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.6.4, RELEASE SOFTWARE (fc1)</COMMENTS>
    <FIRMWARE>17.06.04</FIRMWARE><ID>1</ID><MAC>70:c9:c6:cb:4e:20</MAC><MANUFACTURER>Cisco</MANUFACTURER><MODEL>4321 ISR</MODEL><NAME>isr</NAME>
    <SERIAL>FDO2249A154</SERIAL><TYPE>NETWORKING</TYPE></INFO></DEVICE>`;
  const { devices: [dev] } = await fromFusionMessage(xml(device), fingerprints());
  const inv = dev!.inventory;
  assert.deepEqual([inv.osId, inv.vendor, inv.version, inv.model, inv.serial, inv.type], ['iosxe', 'Cisco', '17.6.4', 'ISR4321/K9', 'FDO2249A154', 'router']);
  assert.equal(inv.cpe, 'cpe:2.3:o:cisco:ios_xe:17.6.4:*:*:*:*:*:*:*');
  // without a recognisable sysDescr the agent's own values stay
  const bare = await fromFusionMessage(xml('<DEVICE><INFO><MANUFACTURER>Acme</MANUFACTURER><MODEL>X1</MODEL><SERIAL>S123456</SERIAL><FIRMWARE>2.1</FIRMWARE><NAME>x</NAME></INFO></DEVICE>'), fingerprints());
  const b = bare.devices[0]!.inventory;
  assert.deepEqual([b.osId, b.vendor, b.model, b.serial, b.version, b.cpe], [null, 'Acme', 'X1', 'S123456', '2.1', null]);
});

test('detectReported: manufacturer for the OID, sysDescr as usual, ties give no answer', () => {
  const d = (sysDescr: string, manufacturer: string | null) => {
    const r = detectReported(fingerprints(), { sysDescr, manufacturer });
    return r.def?.id ?? `none (${r.ambiguousWith.join(', ')})`;
  };
  // what fusioninventory-netinventory 2.6 reported for recordings of ../shared/corpus/snmp/dev
  assert.equal(d('Juniper Networks, Inc. qfx5100-48s-6q Ethernet Switch, kernel JUNOS 14.1X53-D40.8, Build date: 2016-11-09', 'Juniper Networks'), 'junos');
  assert.equal(d('SSG5-Serial version 6.3.0r24.0 (SN: 0000000000000000, Firewall+VPN)', 'Netscreen'), 'screenos');
  assert.equal(d('RouterOS CRS317-1G-16S+', 'Mikrotik'), 'routeros');
  assert.equal(d('Cisco IOS Software, C3560 Software (C3560-IPSERVICESK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)', 'Cisco'), 'ios');
  assert.equal(d('HP J9146A E2910al-24G-PoE Switch, revision W.15.08.0012, ROM W.14.06', 'Hewlett-Packard'), 'procurve');
  // FortiGate sends no sysDescr: FortiOS and FortiSwitchOS fit the manufacturer alike
  assert.match(d('', 'Fortinet'), /^none \(.*fortigate.*\)$/);
  assert.match(d('', null), /^none/);
});
