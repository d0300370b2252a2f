/**
 * Fingerprint engine and data (style.md §3.4 test contract): every data/snmp/os file validates and has examples
 * that detect as that OS on the real recording; specificity (not file order) decides; no two definitions tie on
 * a recording; the offline score on the dev corpus (recordings read directly, no simulator) stays at its level.
 * The same scoring over UDP through snmpsim is test/e2e/snmp-fingerprint.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { FIELDS, judge, loadExpected, SNMP_DEV, summarise } from '../../../test/helpers/snmp-score.js';
import { collectInventory } from '../collect.js';
import { RecordingSource } from '../recording.js';
import { compileDefinition, fingerprints, loadFingerprints } from './load.js';
import { detect, matchScore, type SystemFacts } from './engine.js';

const facts = (sysObjectID: string, sysDescr = ''): SystemFacts => ({ sysObjectID, sysDescr, probes: new Map() });
const def = (id: string, match: unknown[]) =>
  compileDefinition(`/x/${id}.yaml`, { id, vendor: 'V', os: id, type: 'switch', versionScheme: 'generic', cpe: 'cpe:2.3:o:v:x:{version}:*:*:*:*:*:*:*', match, examples: [{ capture: 'c' }] });

test('every definition file validates, names a known scheme, and has examples on real recordings', { skip: skipUnless(hasShared, '../shared corpus missing') }, () => {
  const data = loadFingerprints();
  assert.ok(data.definitions.length >= 50);
  for (const d of data.definitions) {
    for (const e of d.examples) assert.ok(existsSync(`${SNMP_DEV}${e.capture}.snmprec`), `${d.id}: example ${e.capture} is not a recording in the dev corpus`);
  }
});

test('every OS family of the dev corpus has a definition', { skip: skipUnless(hasShared, '../shared corpus missing') }, () => {
  const ids = new Set(fingerprints().definitions.map((d) => d.id));
  const missing = [...new Set(Object.values(loadExpected()).map((e) => e.librenms_os))].filter((o) => !ids.has(o));
  assert.deepEqual(missing, []);
});

test('examples detect as their definition and give the expected values', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const data = fingerprints();
  for (const d of data.definitions) {
    for (const e of d.examples) {
      const inv = await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}${e.capture}.snmprec`), data, { sections: 'identity' });
      assert.equal(inv.osId, d.id, `${e.capture}: detected ${inv.osId}, the example belongs to ${d.id}`);
      for (const [k, v] of Object.entries(e.expect)) assert.equal(inv[k as 'version' | 'model' | 'serial'], v, `${e.capture}: ${k}`);
    }
  }
});

test('precedence is by specificity: exact OID > longer prefix > shorter prefix > sysDescr, never file order', () => {
  const cases: [string, string, string][] = [
    // [sysObjectID, sysDescr, expected winner]
    ['1.3.6.1.4.1.9.1.359', 'Cisco IOS', 'exact'],
    ['1.3.6.1.4.1.9.1.1', 'Cisco IOS', 'long'],
    ['1.3.6.1.4.1.9.5', 'Cisco IOS', 'short'],
    ['1.3.6.1.4.1.99', 'Cisco IOS', 'descr'],
    ['1.3.6.1.4.1.9.12', 'Cisco NX-OS', 'short-descr'],
  ];
  const defs = [
    def('descr', [{ sysDescr: { contains: 'cisco' } }]),
    def('short', [{ sysObjectID: ['1.3.6.1.4.1.9'] }]),
    def('short-descr', [{ sysObjectID: ['1.3.6.1.4.1.9'], sysDescr: { contains: 'NX-OS' } }]),
    def('long', [{ sysObjectID: ['1.3.6.1.4.1.9.1'] }]),
    def('exact', [{ sysObjectID: ['1.3.6.1.4.1.9.1.359'] }]),
  ];
  for (const order of [defs, [...defs].reverse()]) {
    const data = { definitions: order, enterprises: new Map<string, string>(), probeOids: [] };
    for (const [oid, descr, want] of cases) assert.equal(detect(data, facts(oid, descr)).def?.id, want, `${oid} "${descr}"`);
  }
  // a prefix matches on sub-identifier boundaries only: 1.3.6.1.4.1.90 is not under 1.3.6.1.4.1.9
  assert.equal(matchScore(defs[1]!, facts('1.3.6.1.4.1.90.1')), null);
  // except removes a match
  assert.equal(matchScore(def('x', [{ sysObjectID: ['1.3.6.1.4.1.9'], except: { sysDescr: { contains: 'XE' } } }]), facts('1.3.6.1.4.1.9.1', 'IOS-XE')), null);
});

test('an invalid definition is refused with its file and the failing field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-fp-'));
  mkdirSync(join(dir, 'os'));
  writeFileSync(join(dir, 'enterprises.yaml'), '"9": Cisco\n');
  const cases: [string, RegExp][] = [
    ['id: bad\nvendor: V\nos: O\ntype: switch\nversionScheme: nope\ncpe: "cpe:2.3:o:v:p:{version}:*:*:*:*:*:*:*"\nmatch: [{ sysObjectID: ["1.3.6.1.4.1.9"] }]\nexamples: [{ capture: x }]\n', /bad\.yaml: versionScheme: expected one of .*found "nope"/],
    ['id: bad\nvendor: V\nos: O\ntype: switch\nversionScheme: generic\ncpe: "cpe:2.3:o:v:p:{version}:*:*:*:*:*:*:*"\nmatch: [{ sysDescr: { regex: "(" } }]\nexamples: [{ capture: x }]\n', /bad\.yaml: match\.0\.sysDescr: invalid regex/],
    ['id: bad\nvendor: V\nos: O\ntype: switch\nversionScheme: generic\ncpe: "cpe:2.3:o:v:p:{version}:*:*:*:*:*:*:*"\nmatch: [{ sysObjectID: ["1.3.6.1.4.1.9"] }]\nextract: { version: [{ sysDescr: true, regex: "V(\\\\d+)" }] }\nexamples: [{ capture: x }]\n', /extract\.version\.0\.regex: name a group/],
    ['id: bad\nvendor: V\nos: O\ntype: switch\nversionScheme: generic\ncpe: "cpe:2.3:o:v:p:{version}:*:*:*:*:*:*:*"\nmatch: [{ sysObjectID: ["1.3.6.1.4.1.9"] }]\nexamples: []\n', /bad\.yaml: examples/],
    ['id: other\nvendor: V\nos: O\ntype: switch\nversionScheme: generic\ncpe: "cpe:2.3:o:v:p:{version}:*:*:*:*:*:*:*"\nmatch: [{ sysObjectID: [".1.3"] }]\nexamples: [{ capture: x }]\n', /bad\.yaml: match\.0\.sysObjectID\.0/],
  ];
  for (const [yaml, re] of cases) {
    writeFileSync(join(dir, 'os', 'bad.yaml'), yaml);
    assert.throws(() => loadFingerprints(dir), (e: Error) => re.test(e.message) && (e as { code?: string }).code === 'SNMP_DEFINITION_INVALID', re.source);
  }
});

/** Offline score floors (the e2e has the same floors over UDP); raise them when the data improves. */
const FLOOR = { vendor: 97, os: 97, version: 95, model: 93, serial: 69 };

test('dev corpus: no definition ties, per-field accuracy stays at its level', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const data = fingerprints();
  const expected = loadExpected();
  const rows = [];
  const recordings = readdirSync(SNMP_DEV).filter((f) => f.endsWith('.snmprec') && !f.includes('@')).map((f) => f.slice(0, -'.snmprec'.length));
  assert.deepEqual(recordings.filter((r) => !expected[r]), [], 'every recording has ground truth');
  for (const name of recordings) {
    const inv = await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}${name}.snmprec`), data, { sections: 'identity' });
    assert.deepEqual(inv.problems.filter((p) => p.startsWith('fingerprint')), [], name);
    rows.push({ judged: judge(expected[name]!, inv, (o) => o), found: inv });
  }
  const s = summarise(rows);
  for (const f of s) assert.ok(f.correct >= FLOOR[f.field], `${f.field}: ${f.correct} correct, floor ${FLOOR[f.field]}`);
  assert.equal(s.find((f) => f.field === 'vendor')!.recall, 1);
  assert.equal(FIELDS.length, 5);
});
