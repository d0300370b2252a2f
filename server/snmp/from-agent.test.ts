/** FusionInventory SNMPQUERY / NETDISCOVERY captures (../shared/corpus/agents/exchanges) → the SNMP device model. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { hasShared, SHARED, skipUnless } from '../../test/helpers/components.js';
import { parseXml } from '../inventory/formats/xml.js';
import { fingerprints } from './fingerprint/load.js';
import { fromFusionMessage } from './from-agent.js';
import { toInventory } from './to-inventory.js';

const DIR = `${SHARED}corpus/agents/exchanges/fusion-netdiscovery-snmpquery/`;
const read = (n: string) => parseXml(gunzipSync(readFileSync(`${DIR}${n}-req.xml.gz`)).toString('utf8'), { maxDepth: 64, maxElements: 1_000_000, maxFieldBytes: 65536 }).root;

test('SNMPQUERY device: identity, ports with IPs, neighbour MACs', { skip: skipUnless(hasShared, '../shared corpus missing') }, () => {
  const [dev] = fromFusionMessage(read('003'), fingerprints());
  assert.ok(dev);
  const inv = dev.inventory;
  assert.equal(inv.sysName, 'vm-loopback-snmpd');
  // no sysObjectID in agent messages: the linux definition (net-snmp OID + sysDescr) cannot match; vendor as sent
  assert.equal(inv.osId, null);
  assert.equal(inv.vendor, 'Net-SNMP');
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

test('NETDISCOVERY device and the empty start/end messages', { skip: skipUnless(hasShared, '../shared corpus missing') }, () => {
  const [dev] = fromFusionMessage(read('008'), fingerprints());
  assert.equal(dev?.inventory.sysName, 'vm-loopback-snmpd');
  assert.equal(dev?.inventory.type, 'server');
  assert.equal(dev?.address, '127.0.0.1');
  assert.deepEqual(fromFusionMessage(read('002'), fingerprints()), []);
});
