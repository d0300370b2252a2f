/**
 * planIngest as a pure function: software matching by catalogue id, upgrade/downgrade pairing, CHECKSUM and partial
 * freshness, identity events.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory, type InventoryInput } from '../../common/inventory/model.js';
import { planIngest, summarise, type StoredState } from './diff.js';
import { catalogueKey, prepareInventory } from './prepare.js';

const inv = (patch: Partial<InventoryInput> = {}) =>
  Inventory.parse({
    format: 'ocs-xml',
    agent: { deviceId: 'pc-2026-01-01-00-00-00' },
    identity: { hostname: 'pc' },
    os: { name: 'Debian GNU/Linux 12', version: '12' },
    hardware: {},
    bios: {},
    software: [
      { name: 'openssl', version: '3.0.15-1~deb12u1', origin: 'deb', arch: 'amd64' },
      { name: 'bash', version: '5.2.15-2+b7', origin: 'deb', arch: 'amd64' },
      { name: 'vim', version: '2:9.0.1378-2', origin: 'deb', arch: 'amd64' },
    ],
    interfaces: [{ name: 'eth0', mac: '00:16:3e:00:00:01', ipv4: ['192.0.2.10'] }],
    ...patch,
  });

// A catalogue shared by the tests: the same entry gets the same id, as in software_catalog.
const catalogue = new Map<string, number>();
const idsOf = (i: Inventory) => i.software.map((s) => catalogue.get(catalogueKey(s)) ?? catalogue.set(catalogueKey(s), catalogue.size + 1).get(catalogueKey(s))!);
const plan = (prev: StoredState | null, next: Inventory) => planIngest(prev, next, prepareInventory(next), idsOf(next));

/** What the store holds after ingesting `i`, with every row's detail loaded (the store loads only the unmatched ones). */
function stored(i: Inventory): StoredState {
  const first = plan(null, i);
  const ids = idsOf(i);
  return {
    software: (first.software?.insert ?? []).map(({ index }) => ({
      softwareId: ids[index]!, installDate: i.software[index]!.installDate,
      detail: { name: i.software[index]!.name, version: i.software[index]!.version, arch: i.software[index]!.arch },
    })),
    softwareCount: first.softwareCount,
    interfaces: i.interfaces,
    services: i.services,
    volumes: i.volumes,
    sectionHashes: new Map(first.sections.map((s) => [s.section, s.hash])),
    summary: summarise(i),
  };
}

test('first inventory: asset_created only, every row inserted', () => {
  const p = plan(null, inv());
  assert.deepEqual(p.changes.map((c) => c.kind), ['asset_created']);
  assert.equal(p.software?.insert.length, 3);
  assert.equal(p.softwareCount, 3);
});

test('identical re-run: no write, no change', () => {
  const p = plan(stored(inv()), inv());
  assert.deepEqual(p.changes, []);
  assert.deepEqual(p.software, { insert: [], deleteIds: [], dates: [] });
  assert.equal(p.interfaces, null);
  assert.deepEqual(p.sections, []);
});

test('upgrade, downgrade (dpkg ordering with epoch and tilde), install and removal', () => {
  const next = inv({
    software: [
      { name: 'openssl', version: '3.0.15-1~deb12u2', origin: 'deb', arch: 'amd64' },
      { name: 'vim', version: '2:9.0.1378-1', origin: 'deb', arch: 'amd64' },
      { name: 'curl', version: '7.88.1-10+deb12u8', origin: 'deb', arch: 'amd64' },
    ],
  });
  const p = plan(stored(inv()), next);
  const got = p.changes.map((c) => `${c.kind} ${c.subject} ${c.oldValue ?? ''}→${c.newValue ?? ''}`).sort();
  assert.deepEqual(got, [
    'software_downgraded vim (amd64) 2:9.0.1378-2→2:9.0.1378-1',
    'software_installed curl (amd64) →7.88.1-10+deb12u8',
    'software_removed bash (amd64) 5.2.15-2+b7→',
    'software_upgraded openssl (amd64) 3.0.15-1~deb12u1→3.0.15-1~deb12u2',
  ]);
  assert.equal(p.softwareCount, 3);
});

test('OCS CHECKSUM: software not flagged keeps its rows even when the list differs', () => {
  const next = inv({ software: [], changedSections: ['hardware'] });
  const p = plan(stored(inv()), next);
  assert.equal(p.software, null);
  assert.equal(p.softwareCount, 3);
});

test('GLPI partial: absent sections keep their data', () => {
  const next = inv({ partial: true, interfaces: [], software: [{ name: 'bash', version: '5.2.15-3', origin: 'deb', arch: 'amd64' }] });
  const p = plan(stored(inv()), next);
  assert.equal(p.interfaces, null);
  assert.ok(p.software);
});

test('IP, MAC, OS and hostname changes are recorded', () => {
  const next = inv({
    identity: { hostname: 'pc-renamed' },
    os: { name: 'Debian GNU/Linux 13', version: '13' },
    interfaces: [{ name: 'eth0', mac: '00:16:3e:00:00:02', ipv4: ['192.0.2.11'] }],
  });
  const kinds = plan(stored(inv()), next).changes.map((c) => c.kind).sort();
  assert.deepEqual(kinds, ['ip_added', 'ip_removed', 'mac_added', 'mac_removed', 'os_changed', 'renamed']);
});

test('an unchanged software list is neither loaded nor diffed (software: null in the stored state)', () => {
  const first = stored(inv());
  const p = plan({ ...first, software: null }, inv());
  assert.equal(p.software, null);
  assert.equal(p.softwareCount, 3);
  assert.deepEqual(p.changes, []);
});

test('edited details (same name, arch and version) replace the row without an event; a new install date updates it in place', () => {
  const before = inv();
  const next = inv({
    software: [
      { name: 'openssl', version: '3.0.15-1~deb12u1', origin: 'deb', arch: 'amd64', publisher: 'Debian' },
      { name: 'bash', version: '5.2.15-2+b7', origin: 'deb', arch: 'amd64', installDate: '2026-11-01' },
      { name: 'vim', version: '2:9.0.1378-2', origin: 'deb', arch: 'amd64' },
      { name: 'vim', version: '2:9.0.1378-2', origin: 'deb', arch: 'amd64', publisher: 'listed twice' },
    ],
  });
  const [opensslBefore, bashId] = idsOf(before);
  const p = plan(stored(before), next);
  assert.deepEqual(p.changes, []);
  assert.deepEqual(p.software?.deleteIds, [opensslBefore]);
  assert.deepEqual(p.software?.insert, [{ index: 0, softwareId: idsOf(next)[0] }]);
  assert.deepEqual(p.software?.dates, [{ softwareId: bashId, installDate: '2026-11-01' }]);
  assert.equal(p.softwareCount, 3);
});

test('entries not catalogued yet (id null) are inserted and paired like the others', () => {
  const next = inv({ software: [{ name: 'openssl', version: '3.0.16-1', origin: 'deb', arch: 'amd64' }] });
  const p = planIngest(stored(inv()), next, prepareInventory(next), [null]);
  assert.deepEqual(p.software?.insert, [{ index: 0, softwareId: null }]);
  assert.deepEqual(p.changes.map((c) => c.kind).sort(), ['software_removed', 'software_removed', 'software_upgraded']);
});
