/** Identity keys: configured order, junk serials/MACs/UUIDs dropped, locally administered MACs skipped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../common/inventory/model.js';
import { configSchema } from '../config/schema.js';
import { identityKeys, normaliseMac } from './identity.js';

const cfg = configSchema.parse({}).identity;
const inv = (identity: Record<string, string>, macs: string[] = []) =>
  Inventory.parse({
    format: 'glpi-json',
    agent: { deviceId: 'pc-2026-01-01-00-00-00', agentId: '3A8A5B8E-1F2C-4D5E-9F00-0123456789AB' },
    identity, os: {}, hardware: {}, bios: {},
    interfaces: macs.map((mac, i) => ({ name: `eth${i}`, mac })),
  });

test('keys come in the configured order with normalised values', () => {
  const keys = identityKeys(inv({ hostname: 'PC-01', uuid: '4C4C4544-0042-3510-8052-B4C04F4E4A32', serial: 'B5RNJJ2', vendor: 'Dell Inc.' }, ['00-16-3E-00-00-01']), cfg);
  assert.deepEqual(keys, [
    { kind: 'agentId', values: ['3a8a5b8e-1f2c-4d5e-9f00-0123456789ab'] },
    { kind: 'deviceId', values: ['pc-2026-01-01-00-00-00'] },
    { kind: 'uuid', values: ['4c4c4544-0042-3510-8052-b4c04f4e4a32'] },
    { kind: 'serial', values: ['dell inc.|B5RNJJ2'] },
    { kind: 'macs', values: ['00:16:3e:00:00:01'] },
    { kind: 'hostname', values: ['pc-01'] },
  ]);
});

test('junk serials, UUIDs and MACs never identify an asset', () => {
  const keys = identityKeys(
    inv({ hostname: 'localhost', uuid: '00000000-0000-0000-0000-000000000000', serial: 'To be filled by O.E.M.' }, ['00:00:00:00:00:00', '02:42:ac:11:00:02', 'ff:ff:ff:ff:ff:ff']),
    cfg,
  );
  assert.deepEqual(keys.map((k) => k.kind), ['agentId', 'deviceId']);
});

test('configured junk and order are honoured', () => {
  const keys = identityKeys(inv({ serial: 'SN-LAB-0001', hostname: 'lab' }), { ...cfg, order: ['hostname', 'serial'], junkSerials: ['sn-lab-0001'] });
  assert.deepEqual(keys, [{ kind: 'hostname', values: ['lab'] }]);
});

test('MAC spellings normalise', () => {
  assert.equal(normaliseMac('00-16-3E-AA-BB-CC'), '00:16:3e:aa:bb:cc');
  assert.equal(normaliseMac('0016.3eaa.bbcc'), '00:16:3e:aa:bb:cc');
  assert.equal(normaliseMac('not a mac'), null);
});
