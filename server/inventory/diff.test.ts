/** planIngest as a pure function: software upgrade/downgrade pairing, CHECKSUM and partial freshness, identity events. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory, type InventoryInput } from '../../common/inventory/model.js';
import { planIngest, summarise, type StoredState } from './diff.js';

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

function stored(i: Inventory): StoredState {
  const plan = planIngest(null, i);
  return {
    software: (plan.software?.insert ?? []).map((s, k) => ({ ...s, id: k + 1 })),
    softwareCount: plan.softwareCount,
    interfaces: i.interfaces,
    services: i.services,
    volumes: i.volumes,
    sectionHashes: new Map(plan.sections.map((s) => [s.section, s.hash])),
    summary: summarise(i),
  };
}

test('first inventory: asset_created only, every row inserted', () => {
  const plan = planIngest(null, inv());
  assert.deepEqual(plan.changes.map((c) => c.kind), ['asset_created']);
  assert.equal(plan.software?.insert.length, 3);
  assert.equal(plan.softwareCount, 3);
});

test('identical re-run: no write, no change', () => {
  const plan = planIngest(stored(inv()), inv());
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.software, { insert: [], deleteIds: [], update: [] });
  assert.equal(plan.interfaces, null);
  assert.deepEqual(plan.sections, []);
});

test('upgrade, downgrade (dpkg ordering with epoch and tilde), install and removal', () => {
  const next = inv({
    software: [
      { name: 'openssl', version: '3.0.15-1~deb12u2', origin: 'deb', arch: 'amd64' },
      { name: 'vim', version: '2:9.0.1378-1', origin: 'deb', arch: 'amd64' },
      { name: 'curl', version: '7.88.1-10+deb12u8', origin: 'deb', arch: 'amd64' },
    ],
  });
  const plan = planIngest(stored(inv()), next);
  const got = plan.changes.map((c) => `${c.kind} ${c.subject} ${c.oldValue ?? ''}→${c.newValue ?? ''}`).sort();
  assert.deepEqual(got, [
    'software_downgraded vim (amd64) 2:9.0.1378-2→2:9.0.1378-1',
    'software_installed curl (amd64) →7.88.1-10+deb12u8',
    'software_removed bash (amd64) 5.2.15-2+b7→',
    'software_upgraded openssl (amd64) 3.0.15-1~deb12u1→3.0.15-1~deb12u2',
  ]);
  assert.equal(plan.softwareCount, 3);
});

test('OCS CHECKSUM: software not flagged keeps its rows even when the list differs', () => {
  const next = inv({ software: [], changedSections: ['hardware'] });
  const plan = planIngest(stored(inv()), next);
  assert.equal(plan.software, null);
  assert.equal(plan.softwareCount, 3);
});

test('GLPI partial: absent sections keep their data', () => {
  const next = inv({ partial: true, interfaces: [], software: [{ name: 'bash', version: '5.2.15-3', origin: 'deb', arch: 'amd64' }] });
  const plan = planIngest(stored(inv()), next);
  assert.equal(plan.interfaces, null);
  assert.ok(plan.software);
});

test('IP, MAC, OS and hostname changes are recorded', () => {
  const next = inv({
    identity: { hostname: 'pc-renamed' },
    os: { name: 'Debian GNU/Linux 13', version: '13' },
    interfaces: [{ name: 'eth0', mac: '00:16:3e:00:00:02', ipv4: ['192.0.2.11'] }],
  });
  const kinds = planIngest(stored(inv()), next).changes.map((c) => c.kind).sort();
  assert.deepEqual(kinds, ['ip_added', 'ip_removed', 'mac_added', 'mac_removed', 'os_changed', 'renamed']);
});

test('an unchanged software list is neither loaded nor diffed (software: null in the stored state)', () => {
  const first = stored(inv());
  const plan = planIngest({ ...first, software: null }, inv());
  assert.equal(plan.software, null);
  assert.equal(plan.softwareCount, 3);
  assert.deepEqual(plan.changes, []);
});
