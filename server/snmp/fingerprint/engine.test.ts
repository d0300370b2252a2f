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
import { detect, detectReported, matchScore, vendorOf, type ReportedFacts, type SystemFacts } from './engine.js';
import type { SnmpDeviceInventory } from '../collect.js';

const facts = (sysObjectID: string, sysDescr = ''): SystemFacts => ({ sysObjectID, sysDescr, probes: new Map() });
/** Offline scans of the dev recordings (identity only), read once for the tests that score them. */
let scans: Promise<Map<string, SnmpDeviceInventory>> | null = null;
const scanCorpus = (): Promise<Map<string, SnmpDeviceInventory>> =>
  (scans ??= (async () => {
    const out = new Map<string, SnmpDeviceInventory>();
    for (const name of readdirSync(SNMP_DEV).filter((f) => f.endsWith('.snmprec') && !f.includes('@')).map((f) => f.slice(0, -'.snmprec'.length))) {
      out.set(name, await collectInventory(RecordingSource.fromFile(`${SNMP_DEV}${name}.snmprec`), fingerprints(), { sections: 'identity' }));
    }
    return out;
  })());
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
  const expected = loadExpected();
  const rows = [];
  const corpus = await scanCorpus();
  assert.deepEqual([...corpus.keys()].filter((r) => !expected[r]), [], 'every recording has ground truth');
  for (const [name, inv] of corpus) {
    assert.deepEqual(inv.problems.filter((p) => p.startsWith('fingerprint')), [], name);
    rows.push({ judged: judge(expected[name]!, inv, (o) => o), found: inv });
  }
  const s = summarise(rows);
  for (const f of s) assert.ok(f.correct >= FLOOR[f.field], `${f.field}: ${f.correct} correct, floor ${FLOOR[f.field]}`);
  assert.equal(s.find((f) => f.field === 'vendor')!.recall, 1);
  assert.equal(FIELDS.length, 5);
});

test('reported-only match items (reportedFirmware / reportedModel) never hold in a scan, and need a sysObjectID', () => {
  const d = def('x', [{ sysObjectID: ['1.3.6.1.4.1.9'], reportedFirmware: { regex: '^1' } }, { sysObjectID: ['1.3.6.1.4.1.9'], reportedModel: { contains: 'N9K' } }]);
  assert.equal(matchScore(d, facts('1.3.6.1.4.1.9.1.1', 'N9K 1.0')), null);
  assert.throws(() => def('y', [{ sysDescr: { contains: 'IOS' }, reportedFirmware: { regex: '^1' } }]), /match\.0: reportedFirmware \/ reportedModel need a sysObjectID/);
});

test('detectReported: the manufacturer alone never picks one of its definitions; sysDescr, firmware and model shapes do', () => {
  const data = fingerprints();
  const d = (r: Partial<ReportedFacts>) => {
    const out = detectReported(data, { sysDescr: '', manufacturer: null, ...r });
    if (out.def) assert.equal(out.problem, null);
    return out.def?.id ?? null;
  };
  const cisco = (firmware: string | null, models: string[] = [], sysDescr = '') => d({ manufacturer: 'Cisco', firmware, models, sysDescr });
  // Cisco has seven definitions: the manufacturer stands for the enterprise (9), not for SMB's 9.6.1
  const bare = detectReported(data, { sysDescr: '', manufacturer: 'Cisco' });
  assert.deepEqual([bare.def, bare.ambiguousWith], [null, ['asa', 'ciscosb', 'ftd', 'ios', 'iosxe', 'iosxr', 'nxos']]);
  assert.equal(bare.problem, 'fingerprint: the manufacturer "Cisco" alone does not tell asa, ciscosb, ftd, ios, iosxe, iosxr, nxos apart (no sysDescr; no firmware; no model); kept the agent\'s model/serial/firmware, no OS and no CPE');
  // firmware shapes each definition declares as its own (nxos.yaml, ios.yaml: from the recordings)
  assert.equal(cisco('5.0(3)N2(4.02b)'), 'nxos');
  assert.equal(cisco('7.0(3)I7(8)'), 'nxos');
  for (const v of ['12.2(55)SE6', '12.1(22)EA14', '12.2(31)SGA8', '15.1(2)SY10', '15.8(3)M4', '15.2(7)E4']) assert.equal(cisco(v), 'ios', v);
  // shapes more than one Cisco OS uses prove nothing: IOS-XE on ASR1000 (15.5(3)S1a), 17.x, ASA-like 9.12(3) / 10.5(2),
  // four numbers (SMB 3.0.0.61, FTD 6.2.0.4, WLC 8.2.100.0), special X trains
  for (const v of ['15.5(3)S1a', '15.4(3)S', '12.2(33)XNE', '17.6.4', '9.12(3)', '10.5(2)', '3.0.0.61', '6.2.0.4', '8.2.100.0', '03.07.03E']) assert.equal(cisco(v), null, v);
  // models: Nexus part numbers, the SMB families of the recordings; Catalyst 1000 runs IOS, so not SMB's
  assert.equal(cisco('10.5(2)', ['N9K-C93180YC-FX3']), 'nxos');
  assert.equal(cisco(null, ['CBS350-24P-4G']), 'ciscosb');
  assert.equal(cisco('4.1.9.85', ['C1200-8T-E-2G']), 'ciscosb');
  assert.equal(cisco(null, ['C1000-24T-4G-L']), null);
  assert.equal(cisco(null, ['WS-C3750G-48TS-S', 'Catalyst 3750-24/48']), null);
  // two shapes that disagree: no answer
  const clash = detectReported(data, { sysDescr: '', manufacturer: 'Cisco', firmware: '12.2(55)SE6', models: ['CBS350-24P-4G'] });
  assert.deepEqual([clash.def, clash.ambiguousWith], [null, ['ciscosb', 'ios']]);
  assert.match(clash.problem ?? '', /^fingerprint: ciscosb, ios fit the reported manufacturer\/firmware\/model equally/);
  // the sysDescr outweighs a shape, and its `except` rules the IOS firmware item out
  assert.equal(cisco('12.2(55)SE6', [], 'Cisco NX-OS(tm) n3000, Software (n3000-uk9), Version 6.0(2)U6(1)'), 'nxos');
  assert.equal(cisco('15.2(2)E6', [], 'Cisco IOS Software, IOS-XE Software, Catalyst 4500 L3 Switch Software (cat4500e-UNIVERSALK9-M), Version 03.06.06.E'), 'iosxe');
  // AireOS says only this: the Cisco sysDescr patterns rule their definitions out, SMB stays on the manufacturer alone
  const aireos = detectReported(data, { sysDescr: 'Cisco Controller', manufacturer: 'Cisco', firmware: '8.5.151.0' });
  assert.deepEqual([aireos.def, aireos.ambiguousWith], [null, ['ciscosb']]);
  assert.match(aireos.problem ?? '', /alone does not prove ciscosb, one of its 7 definitions/);
  // a shape counts only for its vendor, and needs a manufacturer
  assert.equal(d({ manufacturer: 'Juniper Networks', firmware: '12.2(55)SE6' }), null);
  assert.equal(d({ firmware: '5.0(3)N2(4.02b)' }), null);

  // HP: ArubaOS-Switch/ProCurve <1-2 letters>.15|16.nn.nnnn, AOS-CX <2 letters>.10.nn.nnnn
  const hp = (firmware: string, sysDescr = '', manufacturer = 'Hewlett-Packard') => d({ manufacturer, firmware, sysDescr });
  for (const v of ['YA.15.12.0015', 'YA.16.11.0014', 'W.15.08.0012', 'KB.16.10.0009', 'WC.16.11.0012', 'RA.16.04.0008']) assert.equal(hp(v), 'procurve', v);
  for (const v of ['FL.10.06.0110', 'GL.10.04.2000', 'PL.10.10.0002', 'LL.10.13.1040']) assert.equal(hp(v), 'arubaos-cx', v);
  for (const v of ['GL.01.05.0002', 'YA.15.20', 'I.10.77', '8.10.0.12-FIPS']) assert.equal(hp(v), null, v);
  assert.equal(hp('YA.15.12.0015', 'HP J9775A 2530-48G Switch, revision YA.15.12.0015, ROM YA.15.09 (/ws/swbuildm/rel_yakima_qaoff/code/build/lakes)'), 'procurve');
  assert.equal(hp('', 'HP J9775A 2530-48G Switch, revision YA.15.12.0015, ROM YA.15.09'), 'procurve');
  assert.equal(hp('', 'Aruba JL635A 8325 GL.10.04.2000'), 'arubaos-cx');
  assert.equal(hp('FL.10.06.0110', '', 'Aruba'), 'arubaos-cx');
  assert.equal(hp('', 'HP Comware Platform Software, Software Version 5.20.99 Release 2222P08 HP A5500-24G EI Switch with 2 Interface Slots'), 'comware');
  assert.equal(hp(''), null);
  // a vendor with one definition in our data: the manufacturer is enough; with two it is not
  assert.equal(d({ manufacturer: 'D-Link' }), 'dlink');
  assert.equal(d({ manufacturer: 'Fortinet' }), null);
  assert.equal(d({ manufacturer: 'Extreme Networks', firmware: '8.2.0.0_B020' }), null);
});

/**
 * The dev recordings as an agent would report them (manufacturer from the enterprise, firmware and model as the
 * device spells them), with the sysDescr and without it: whatever is chosen is the recording's OS. The only
 * exceptions are Linux kernels whose distribution only a probe (DSM) or the sysObjectID (Gaia 1100) tells: an agent
 * sends neither, and the kernel CPE is right for the kernel. Floors: correct answers when this was written.
 */
const REPORTED_FLOOR = { withSysDescr: 83, withoutSysDescr: 45 };
const REPORTED_KNOWN: Record<string, string> = { dsm: 'linux', gaia_1100: 'linux' };

test('dev corpus as agents report it: never another OS than the recording\'s, with or without the sysDescr', { skip: skipUnless(hasShared, '../shared corpus missing') }, async () => {
  const data = fingerprints();
  const expected = loadExpected();
  const right = { withSysDescr: 0, withoutSysDescr: 0 };
  const wrong: string[] = [];
  for (const [name, inv] of await scanCorpus()) {
    for (const variant of ['withSysDescr', 'withoutSysDescr'] as const) {
      const got = detectReported(data, {
        sysDescr: variant === 'withSysDescr' ? (inv.sysDescr ?? '') : '',
        manufacturer: vendorOf(data, inv.sysObjectID ?? ''),
        firmware: inv.rawVersion,
        models: inv.model ? [inv.model] : [],
      }).def?.id;
      if (!got) continue;
      if (got === expected[name]!.librenms_os) right[variant]++;
      else if (!(variant === 'withSysDescr' && REPORTED_KNOWN[name] === got)) wrong.push(`${name} (${variant}): ${got}, not ${expected[name]!.librenms_os}`);
    }
  }
  assert.deepEqual(wrong, []);
  for (const k of ['withSysDescr', 'withoutSysDescr'] as const) assert.ok(right[k] >= REPORTED_FLOOR[k], `${k}: ${right[k]} right, floor ${REPORTED_FLOOR[k]}`);
});
