/**
 * The CVE JSON 5 version-status algorithm over real records (testdata/cve5-vulnrichment-ranges/
 * vulnrichment-status-forms.jsonl, one record per form, SOURCE.md lists them): each row is the set of rules the
 * record must give, written as `part:vendor:product range [scheme]`, plus the problems and the CVSS sources used.
 */
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { test } from 'node:test';
import { hasShared, SHARED, skipUnless } from '../../test/helpers/components.js';
import { KB_TESTDATA } from '../../test/helpers/kb-importer.js';
import { rangeText } from '../matcher/cpe-range.js';
import { loadCnaProducts, productVersions, rulesFromAffected, seriesEnd, textRange } from './cve5-affected.js';
import { cve5Record } from './importers/cve5.js';
import type { KbRecord, RuleInput } from './types.js';

const FILE = `${KB_TESTDATA}cve5-vulnrichment-ranges/vulnrichment-status-forms.jsonl`;
const records = new Map<string, Record<string, unknown>>(
  readFileSync(FILE, 'utf8').split('\n').filter(Boolean).map((l) => {
    const d = JSON.parse(l) as { cveMetadata: { cveId: string } };
    return [d.cveMetadata.cveId, d as unknown as Record<string, unknown>];
  }),
);

const show = (r: RuleInput) => `${r.part}:${r.vendor}:${r.product} ${r.version_exact ? `= ${r.version_exact}` : rangeText(r)}${r.version_scheme ? ` ${r.version_scheme}` : ''}`;

const CASES: { id: string; why: string; rules: string[]; problem?: RegExp; cvss?: string[] }[] = [
  {
    id: 'CVE-2021-46973', why: 'Linux CNA: defaultStatus affected minus unaffected branches ("5.10.*" = through 5.10.x); git ranges ignored; "Linux / Linux" filed as o:linux:linux_kernel (data/cpe/cna-products.yaml), so the CISA ADP\'s "linux_kernel = 5.8" adds nothing; its CVSS is used (the CNA has none)',
    rules: ['o:linux:linux_kernel 5.8 ≤ v < 5.10.35', 'o:linux:linux_kernel 5.11 ≤ v < 5.11.19', 'o:linux:linux_kernel 5.12 ≤ v < 5.12.2'],
    cvss: ['3.1 CISA-ADP'],
  },
  {
    id: 'CVE-2019-25160', why: 'Linux CNA over eight stable branches: each gap between a branch\'s fix and the next branch is affected',
    rules: ['o:linux:linux_kernel 2.6.19 ≤ v < 3.16.66', 'o:linux:linux_kernel 3.17 ≤ v < 3.18.137', 'o:linux:linux_kernel 3.19 ≤ v < 4.4.177', 'o:linux:linux_kernel 4.5 ≤ v < 4.9.163', 'o:linux:linux_kernel 4.10 ≤ v < 4.14.106', 'o:linux:linux_kernel 4.15 ≤ v < 4.19.28', 'o:linux:linux_kernel 4.20 ≤ v < 4.20.15', 'o:linux:linux_kernel 4.21 ≤ v < 5.0'],
  },
  {
    id: 'CVE-2020-36695', why: 'changes[]: the flip to unaffected ends the affected run',
    rules: ['a:hitachi:hitachi_device_manager v < 8.8.5-02', 'a:hitachi:hitachi_tiered_storage_manager v < 8.8.5-02', 'a:hitachi:hitachi_replication_manager v < 8.8.5-02', 'a:hitachi:hitachi_tuning_manager v < 8.8.5-02', 'a:hitachi:hitachi_compute_systems_manager v < 8.8.3-08'],
    cvss: ['3.1 Hitachi'],
  },
  {
    id: 'CVE-2023-36833', why: 'Juniper "21.2*" series ends, contiguous series merged, the lowest of a comma list of fixes',
    rules: ['a:juniper_networks:junos_os_evolved 21.2 ≤ v < 21.4R3-S3-EVO', 'a:juniper_networks:junos_os_evolved 22.1 ≤ v < 22.2R3-S2-EVO', 'a:juniper_networks:junos_os_evolved 22.3 ≤ v < 22.3R3-EVO', 'a:juniper_networks:junos_os_evolved 22.4 ≤ v < 22.4R1-S2-EVO'],
  },
  { id: 'CVE-2016-15039', why: 'only a git commit: no rule, a problem', rules: [], problem: /^expected versions the KB can order, found only source-control commit ranges for mhuertos phpLDAPadmin/ },
  {
    id: 'CVE-2012-10018', why: 'CNA names only (version "*" = from the start) + the ADP\'s CPE names for the products the CNA did not name by CPE',
    rules: ['a:sekler:mapplic_lite v < 1.0.1 semver', 'a:sekler:mapplic_-_custom_interactive_map_wordpress_plugin v < 6.2', 'a:mapplic:mapplic v < 6.2', 'a:mapplic:mapplic_lite v < 1.0.1 semver'],
  },
  { id: 'CVE-2024-2467', why: 'Red Hat: defaultStatus per product stream, no versions, CPE 2.2 platforms, ADP purls: nothing to match on', rules: [] },
  { id: 'CVE-2021-33630', why: 'versionType git over release numbers, fixed at a commit: the release range is kept', rules: ['a:openeuler:kernel 4.19.90 ≤ v < 4.19.90-2401.3'] },
  { id: 'CVE-2023-3385', why: 'CNA cpes: the ADP copy of the same ranges is not added; "8.10" is no semver, so the rules use the generic order', rules: ['a:gitlab:gitlab 8.10 ≤ v < 16.0.8', 'a:gitlab:gitlab 16.1.0 ≤ v < 16.1.3', 'a:gitlab:gitlab 16.2.0 ≤ v < 16.2.2'] },
  { id: 'CVE-2021-41544', why: '"All versions < V3.0" as a version', rules: ['a:siemens:siemens_software_center v < 3.0'] },
  { id: 'CVE-2024-42508', why: '"< 9.20" with defaultStatus affected and no unaffected entry: only below 9.20', rules: ['a:hewlett_packard_enterprise_(hpe):hpe_oneview v < 9.20'] },
  { id: 'CVE-2024-47803', why: 'defaultStatus affected, unaffected LTS line "2.462.3 ≤ v < 2.462.*" and 2.479+', rules: ['a:jenkins_project:jenkins v < 2.462.3', 'a:jenkins_project:jenkins 2.463 ≤ v < 2.479'] },
  {
    id: 'CVE-2024-47805', why: 'an unaffected version inside the affected range splits it',
    rules: ['a:jenkins_project:jenkins_credentials_plugin v < 1371.1373.v4eb_fa_b_7161e9', 'a:jenkins_project:jenkins_credentials_plugin 1371.1373.v4eb_fa_b_7161e9 < v ≤ 1380.va_435002fa_924'],
  },
  { id: 'CVE-2024-6717', why: 'two changes to unaffected: affected until the first one', rules: ['a:hashicorp:nomad v < 1.8.2 semver', 'a:hashicorp:nomad_enterprise v < 1.6.13 semver'] },
  { id: 'CVE-2024-29071', why: '"Ver 002.001.013 and earlier"', rules: ['a:kddi_corporation:hgw_bl1500hm v ≤ 002.001.013'] },
  { id: 'CVE-2022-40705', why: 'CNA: a change to unknown at the start, "Apache SOAP*" end: nothing; so the ADP range is used', rules: ['a:apache:soap 2.2 ≤ v'], cvss: ['3.1 CISA-ADP'] },
];

test('every record of the fixture has a row', () => {
  assert.deepEqual([...records.keys()].sort(), CASES.map((c) => c.id).sort());
});

for (const c of CASES) {
  test(`${c.id}: ${c.why}`, () => {
    const out: KbRecord[] = cve5Record(records.get(c.id)!);
    const vuln = out.find((r) => r.kind === 'vulnerability');
    assert.ok(vuln && vuln.kind === 'vulnerability');
    assert.deepEqual(vuln.rules!.map(show), c.rules);
    const problems = out.filter((r) => r.kind === 'problem');
    if (c.problem) {
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.kind === 'problem' && problems[0]!.code, 'KB_VERSION_UNCOMPARABLE');
      assert.match(problems[0]!.kind === 'problem' ? problems[0]!.message : '', c.problem);
    } else assert.deepEqual(problems, []);
    if (c.cvss) assert.deepEqual(vuln.info.cvss!.map((m) => `${m.version} ${m.source}`), c.cvss);
  });
}

test('the schema document\'s examples (cve-schema docs/versions.md)', () => {
  const rules = (versions: unknown[], defaultStatus?: string) => rulesFromAffected([{ vendor: 'widgets', product: 'flux', versions, defaultStatus }]).rules.map((r) => show(r).replace('a:widgets:flux ', ''));
  // 2.0.0–2.5.1 and 2.6.0–2.6.2 affected, by status changes inside "2.0.0 ≤ v < 2.*".
  const changes = [{ at: '2.5.2', status: 'unaffected' }, { at: '2.6.0', status: 'affected' }, { at: '2.6.3', status: 'unaffected' }];
  assert.deepEqual(rules([{ version: '2.0.0', versionType: 'semver', lessThan: '2.*', status: 'affected', changes }]), ['2.0.0 ≤ v < 2.5.2', '2.6.0 ≤ v < 2.6.3']);
  // The clients must re-sort changes themselves.
  assert.deepEqual(rules([{ version: '2.0.0', versionType: 'semver', lessThan: '2.*', status: 'affected', changes: [...changes].reverse() }]), ['2.0.0 ≤ v < 2.5.2', '2.6.0 ≤ v < 2.6.3']);
  // "2.5.2 and later unaffected and everything else affected".
  assert.deepEqual(rules([{ version: '2.5.2', versionType: 'semver', lessThan: '*', status: 'unaffected' }], 'affected'), ['v < 2.5.2 semver']);
  // Single versions with defaultStatus unaffected; an unknown entry never gives a rule.
  assert.deepEqual(rules([{ version: '2.4', status: 'affected' }, { version: '2.5', status: 'affected' }, { version: '2.6', status: 'unknown' }], 'unaffected'), ['= 2.4', '= 2.5']);
  // The git form of the same vulnerability: nothing orderable, reported.
  const git = rulesFromAffected([{ vendor: 'widgets', product: 'flux', versions: [{ version: '0', versionType: 'git', lessThan: '*', status: 'unaffected', changes: [{ at: '123abc456def', status: 'affected' }, { at: '234bcd567ef0', status: 'unaffected' }] }] }]);
  assert.deepEqual(git.rules, []);
  assert.equal(git.uncomparable.length, 1);
  // defaultStatus affected is not applied beside entries that cannot be placed (it would claim what they exclude).
  assert.deepEqual(rules([{ version: '1.0', lessThan: '1.*', status: 'unaffected', versionType: 'custom' }, { version: 'aaaabbbbcccc', lessThan: 'ddddeeeeffff', status: 'unaffected', versionType: 'git' }], 'affected'), []);
});

test('wildcard series ends and version text', () => {
  const ends: [string, string | null | undefined][] = [['4.19.*', '4.20'], ['21.2*', '21.3'], ['10-00-*', '10-01'], ['5.4.x', '5.5'], ['10.5.x.x', '10.6'], ['*', null], ['Apache SOAP*', null], ['1.2.3', undefined], ['2.4.1-fix', undefined]];
  for (const [v, want] of ends) assert.equal(seriesEnd(v), want, v);
  const texts: [string, string | null][] = [
    ['< 6.4', 'v < 6.4'], ['All versions < V4.1.1 Patch04', 'v < 4.1.1 Patch04'], ['7.2.26 and earlier', 'v ≤ 7.2.26'], ['8.5.0 to 8.5.6', '8.5.0 ≤ v ≤ 8.5.6'],
    ['Before v2.24.1', 'v < 2.24.1'], ['<= 0.27.4', 'v ≤ 0.27.4'], ['prior to 5.0.32', 'v < 5.0.32'], ['version 1.0.0', '1.0.0 ≤ v ≤ 1.0.0'], ['systems deployed before June 29th', null],
  ];
  for (const [v, want] of texts) {
    const r = textRange(v);
    assert.equal(r && rangeText({ version_start: r.lo?.v ?? null, start_inclusive: r.lo?.inc ? 1 : 0, version_end: r.hi?.v ?? null, end_inclusive: r.hi?.inc ? 1 : 0 }), want, v);
  }
  // A pinned CPE stands for its version only when the product gives no version entry (CISA ADP's form).
  assert.equal(productVersions({ versions: [{ version: 'n/a', status: 'affected' }] }).noVersionInfo, true);
  const pinned = rulesFromAffected([{ cpes: ['cpe:2.3:a:acme:tool:1.2.3:*:*:*:*:*:*:*'], versions: [{ version: 'n/a', status: 'affected' }] }]).rules;
  assert.deepEqual(pinned.map(show), ['a:acme:tool = 1.2.3']);
});

const rulesOf = (records: KbRecord[]): RuleInput[] => records.flatMap((r) => (r.kind === 'vulnerability' ? (r.rules ?? []) : []));

/** One record of ../shared/data/cve5-vulnrichment/vulnrichment-<year>.jsonl.gz, read line by line until found. */
async function vulnrichment(id: string): Promise<Record<string, unknown> | null> {
  const year = Number(/^CVE-(\d{4})-/.exec(id)![1]);
  const file = `${SHARED}data/cve5-vulnrichment/vulnrichment-${year <= 2015 ? '1999-2015' : year}.jsonl.gz`;
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const needle = `"cveId":"${id}"`;
  try {
    for await (const line of lines) if (line.includes(needle)) return JSON.parse(line) as Record<string, unknown>;
  } finally {
    lines.close();
  }
  return null;
}

test('CNA vendor/product words mapped by data/cpe/cna-products.yaml: every entry\'s example is a real record filed under its CPE', { skip: skipUnless(hasShared, '../shared data missing') }, async () => {
  const map = loadCnaProducts();
  assert.ok(map.size >= 1);
  for (const p of map.values()) {
    const rec = await vulnrichment(p.example);
    assert.ok(rec, `${p.example} (example of ${p.vendor} / ${p.product}) is in ../shared/data/cve5-vulnrichment`);
    const cna = (rec.containers as { cna: { affected: { vendor?: string; product?: string; cpes?: string[] }[] } }).cna;
    assert.ok(cna.affected.some((a) => a.vendor?.toLowerCase() === p.vendor.toLowerCase() && a.product?.toLowerCase() === p.product.toLowerCase() && !a.cpes?.length), `${p.example} names ${p.vendor} / ${p.product} without cpes`);
    const rules = rulesOf(cve5Record(rec));
    assert.ok(rules.length > 0 && rules.every((r) => `${r.part}:${r.vendor}:${r.product}` === p.cpe), `${p.example}: rules on ${p.cpe}: ${rules.map(show).join(', ')}`);
  }
});

test('CVE-2024-26581 (kernel.org CNA, "Linux" / "Linux"): ranges on o:linux:linux_kernel, the NVD name kernels are matched by', { skip: skipUnless(hasShared, '../shared data missing') }, async () => {
  const rec = await vulnrichment('CVE-2024-26581');
  assert.ok(rec);
  // affected from 6.5, fixed in 6.6.17 and 6.7.5, and from 6.8 on; the git commit ranges are not matched
  assert.deepEqual(rulesOf(cve5Record(rec)).map(show), ['o:linux:linux_kernel 6.5 ≤ v < 6.6.17', 'o:linux:linux_kernel 6.7 ≤ v < 6.7.5']);
  // lower-case spelling of the same words maps too; an entry with its own cpes keeps them
  assert.deepEqual(rulesFromAffected([{ vendor: 'linux', product: 'linux', versions: [{ version: '6.1', lessThan: '6.1.80', status: 'affected' }] }]).rules.map(show), ['o:linux:linux_kernel 6.1 ≤ v < 6.1.80']);
  assert.deepEqual(rulesFromAffected([{ vendor: 'Linux', product: 'Linux', cpes: ['cpe:2.3:a:linux:linux:*:*:*:*:*:*:*:*'], versions: [{ version: '1.0', status: 'affected' }] }]).rules.map(show), ['a:linux:linux = 1.0']);
  // a malformed data file is refused with the field that is wrong
  assert.throws(() => loadCnaProducts('source: x\nproducts:\n  - { vendor: Linux, product: Linux, cpe: "linux_kernel", why: w, example: CVE-2024-26581 }\n'), /products\.0\.cpe: part:vendor:product/);
});
