/** Profiles registry (style.md §3.4): every code profile refines an OS that has a data/snmp/os definition. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprints } from '../fingerprint/load.js';
import { profiles } from './index.js';

test('every profile has a matching YAML definition', () => {
  const ids = new Set(fingerprints().definitions.map((d) => d.id));
  for (const p of profiles.all) assert.ok(ids.has(p.id), `profile ${p.id} has no data/snmp/os/${p.id}.yaml`);
});

test('windows profile names the product from the build', async () => {
  const p = profiles.require('windows');
  const fp = { osId: 'windows', vendor: 'Microsoft', os: 'Windows', type: 'server', version: '6.1', rawVersion: '6.1', model: null, serial: null, features: null, versionScheme: 'generic', cpe: 'cpe:2.3:o:microsoft:windows:6.1:*:*:*:*:*:*:*', ambiguousWith: [] };
  const ctx = (oid: string, descr: string) => ({
    source: { get: async () => new Map(), subtree: async () => ({ rows: new Map(), problem: null }), label: 'x', close: () => undefined },
    facts: { sysObjectID: oid, sysDescr: descr, probes: new Map() },
    entities: async () => [],
  });
  const r = await p.refine(fp, ctx('1.3.6.1.4.1.311.1.1.3.1.2', 'Hardware: x - Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)'));
  assert.equal(r.version, '6.1.7601');
  assert.equal(r.os, 'Windows Server 2008 R2 SP1');
  const w = await p.refine(fp, ctx('1.3.6.1.4.1.311.1.1.3.1.1', 'Software: Windows Version 6.3 (Build 9600 Multiprocessor Free)'));
  assert.equal(w.os, 'Windows 8.1');
});
