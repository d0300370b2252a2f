import { SnmpSession } from './server/snmp/session.js';
import { collectInventory } from './server/snmp/collect.js';
import { fingerprints } from './server/snmp/fingerprint/load.js';
const t0 = Date.now();
const s = new SnmpSession({ host: '127.0.0.1', port: 17100 }, { version: 'v2c', community: process.argv[2] ?? 'ios_c3560' });
const inv = await collectInventory(s, fingerprints());
s.close();
console.log(Date.now() - t0, 'ms');
console.log(JSON.stringify({ ...inv, interfaces: inv.interfaces.slice(0, 2), modules: inv.modules.slice(0, 2), neighbors: inv.neighbors.slice(0, 2), software: inv.software.slice(0, 3), nIf: inv.interfaces.length, nMod: inv.modules.length, nN: inv.neighbors.length }, null, 1));
