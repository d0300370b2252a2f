/** decodeChecksum against the masks of ../shared/corpus/agents/protocol.md §4 and the values the agents sent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typedSections } from '../../../common/inventory/model.js';
import { checksumBits, checksumSections, decodeChecksum } from './ocs-checksum.js';

test('observed CHECKSUM values (protocol.md §4)', () => {
  assert.deepEqual(decodeChecksum('513'), ['hardware', 'drives'], 'OCS rerun: HARDWARE 1 + DRIVES 512');
  const ocsFirstRun = decodeChecksum('1572863');
  assert.equal(ocsFirstRun?.length, 20);
  assert.ok(!ocsFirstRun?.includes('sim') && !ocsFirstRun?.includes('usbdevices') && ocsFirstRun?.includes('batteries'));
  assert.deepEqual(decodeChecksum('131071'), checksumBits.slice(0, 17).map(([, s]) => s), 'Fusion first run: HARDWARE … SOFTWARES');
});

test('every bit alone, and all of them', () => {
  for (const [bit, section] of checksumBits) assert.deepEqual(decodeChecksum(bit), [section]);
  assert.deepEqual(decodeChecksum(2 ** 22 - 1), checksumBits.map(([, s]) => s));
  assert.deepEqual(decodeChecksum(2 ** 22 + 4), ['memories'], 'unknown high bits are ignored');
});

test('absent, zero or not a number: every section is authoritative', () => {
  for (const raw of [undefined, null, '', '0', 0, 'abc', '-1', '1.5', Number.NaN]) assert.equal(decodeChecksum(raw), null, String(raw));
  assert.deepEqual(decodeChecksum(' 512 '), ['drives']);
});

test('bits are the powers of two in order, and cover the typed sections that have one', () => {
  checksumBits.forEach(([bit], i) => assert.equal(bit, 2 ** i));
  for (const s of typedSections) if (s !== 'services') assert.ok(checksumSections.has(s), s);
});
