/** Collectors on a recording and on hostile replies: tables, addresses, entity rows, caps and sanitising. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasShared, skipUnless } from '../../test/helpers/components.js';
import { SNMP_DEV } from '../../test/helpers/snmp-score.js';
import { collectInventory, dateAndTime } from './collect.js';
import { fingerprints } from './fingerprint/load.js';
import { RecordingSource } from './recording.js';
import { cleanText, decodeOctets, macOf } from './sanitise.js';

test('full inventory of a recorded Cisco switch: interfaces with IPs, modules, identity', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const inv = await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}ios_c3560.snmprec`), fingerprints());
  assert.equal(inv.osId, 'ios');
  assert.equal(inv.version, '12.2(55)SE12');
  assert.equal(inv.model, 'WS-C3560-48TS-S');
  assert.equal(inv.serial, 'CAT0912N0CU');
  assert.equal(inv.type, 'switch');
  assert.equal(inv.cpe, 'cpe:2.3:o:cisco:ios:12.2\\(55\\)se12:*:*:*:*:*:*:*');
  assert.equal(inv.interfaces.length, 58);
  assert.deepEqual(inv.interfaces[0]!.ips, ['192.168.178.113']);
  assert.ok(inv.modules.some((m) => m.serial === 'CAT0912N0CU'));
});

test('neighbours (LLDP) and software (HOST-RESOURCES) from recordings', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const cx = await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}arubaos-cx.snmprec`), fingerprints());
  assert.ok(cx.neighbors.some((n) => n.protocol === 'lldp' && n.remoteName), 'LLDP neighbours');
  const linux = await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}linux_opensips.snmprec`), fingerprints());
  assert.ok(linux.software.length > 10 || linux.storage.length > 0, 'hrSWInstalled / hrStorage');
});

test('untrusted strings: controls stripped, length capped, binary detected', () => {
  assert.equal(cleanText('a\u0000b\u001bc\r\nd'), 'abc d');
  assert.equal(cleanText('x'.repeat(5000)).length, 1024);
  assert.equal(decodeOctets(Buffer.from([0x41, 0xe9, 0x42, 0, 0])), 'AéB');
  assert.equal(macOf(Buffer.from('0011223344ff', 'hex')), '00:11:22:33:44:ff');
  assert.equal(macOf(Buffer.from('0011', 'hex')), null);
  assert.equal(dateAndTime(Buffer.from([0x07, 0xe3, 5, 14, 10, 30, 0, 0])), '2019-05-14T10:30:00Z');
  assert.equal(dateAndTime(Buffer.from([0, 0, 13, 40, 0, 0, 0, 0])), null);
});

test('a huge table is capped and the cap is recorded as a problem', async () => {
  const lines = ['1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1', '1.3.6.1.2.1.1.1.0|4|Cisco IOS Software, Version 15.1(1)'];
  for (let i = 1; i <= 60_000; i++) lines.push(`1.3.6.1.2.1.2.2.1.2.${i}|4|if${i}`);
  const inv = await collectInventory(new RecordingSource(lines.join('\n'), 'huge'), fingerprints());
  assert.equal(inv.interfaces.length, 50_000);
  assert.ok(inv.problems.some((p) => /ifTable: walk of .* stopped at 50000 rows/.test(p)), inv.problems.join('; '));
});
