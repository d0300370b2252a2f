/**
 * NVD CPE range matcher: one row per NVD semantic rule (the four bounds, exact versions, ANY/NA, update
 * qualifiers, target_sw, AND configurations, negate) and the classic false positives of substring matching.
 * Criteria strings are real NVD ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { item, memoryKb, sw } from '../../test/helpers/matcher.js';
import { cpeRange } from './cpe-range.js';
import { satisfies } from './pipeline.js';
import type { CpeIdentity } from '../cpe/resolve.js';

const firefox = (version: string) => item(sw({ name: 'Mozilla Firefox (x64 fr)', version, origin: 'msi', publisher: 'Mozilla' }));
const FF = 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*';

describe('cpe-range matcher', () => {
  const rows: [string, Parameters<typeof memoryKb>[0][number], string, boolean][] = [
    ['end excluding: below', { vulnerability_id: 'CVE-A', criteria: FF, version_end: '121.0' }, '120.0.1', true],
    ['end excluding: at', { vulnerability_id: 'CVE-A', criteria: FF, version_end: '121.0' }, '121.0', false],
    ['end including: at', { vulnerability_id: 'CVE-A', criteria: FF, version_end: '121.0', end_inclusive: 1 }, '121.0', true],
    ['start including: at', { vulnerability_id: 'CVE-A', criteria: FF, version_start: '115.0', version_end: '121.0' }, '115.0', true],
    ['start excluding: at', { vulnerability_id: 'CVE-A', criteria: FF, version_start: '115.0', start_inclusive: 0, version_end: '121.0' }, '115.0', false],
    ['start including: below', { vulnerability_id: 'CVE-A', criteria: FF, version_start: '115.0', version_end: '121.0' }, '114.9', false],
    ['exact version in criteria', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:120.0:*:*:*:*:*:*:*' }, '120.0', true],
    ['exact version: other version', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:120.0:*:*:*:*:*:*:*' }, '120.0.1', false],
    ['exact: 12 equals 12.0', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:120:*:*:*:*:*:*:*' }, '120.0', true],
    ['version NA never matches a versioned install', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:-:*:*:*:*:*:*:*' }, '120.0', false],
    ['ANY version without bounds = all versions', { vulnerability_id: 'CVE-A', criteria: FF }, '120.0', true],
    ['update NA (base release) accepted for an unknown update', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:120.0:-:*:*:*:*:*:*' }, '120.0', true],
    ['specific update (beta) not assumed', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox:120.0:beta:*:*:*:*:*:*' }, '120.0', false],
    ['wrong product: firefox_esr rule, firefox install', { vulnerability_id: 'CVE-A', criteria: 'cpe:2.3:a:mozilla:firefox_esr:*:*:*:*:*:*:*:*', version_end: '200' }, '120.0', false],
    ['vulnerable=0 rule alone never produces a finding', { vulnerability_id: 'CVE-A', criteria: FF, vulnerable: 0 }, '120.0', false],
  ];
  for (const [name, rule, version, want] of rows) {
    it(name, () => {
      const out = cpeRange.match(firefox(version), memoryKb([rule]));
      assert.equal(out.candidates.length > 0, want);
    });
  }

  it("OCS's prefix bug: 1.1 does not match 1.1.1k, and 1.1.1k does not match a 1.1 rule", () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2014-0160', criteria: 'cpe:2.3:a:openssl:openssl:1.0.1:*:*:*:*:*:*:*' }, { vulnerability_id: 'CVE-X', criteria: 'cpe:2.3:a:openssl:openssl:1.1:*:*:*:*:*:*:*' }]);
    const vocab = [{ vendor: 'openssl', product: 'openssl' }];
    const mk = (v: string) => item(sw({ name: 'openssl', version: v, publisher: 'OpenSSL Project', origin: 'other' }), undefined, {}, vocab);
    assert.deepEqual(cpeRange.match(mk('1.0.1g'), kb).candidates.map((c) => c.vulnerabilityId), []);
    assert.deepEqual(cpeRange.match(mk('1.1.1k'), kb).candidates.map((c) => c.vulnerabilityId), []);
    assert.deepEqual(cpeRange.match(mk('1.0.1'), kb).candidates.map((c) => c.vulnerabilityId), ['CVE-2014-0160']);
  });

  it('letter releases: OpenSSL 1.0.1g is outside "< 1.0.1g" and 1.0.1f inside', () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2014-0160', criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', version_start: '1.0.1', version_end: '1.0.1g' }]);
    const vocab = [{ vendor: 'openssl', product: 'openssl' }];
    const mk = (v: string) => item(sw({ name: 'openssl', version: v, publisher: 'OpenSSL', origin: 'other' }), undefined, {}, vocab);
    assert.equal(cpeRange.match(mk('1.0.1f'), kb).candidates.length, 1);
    assert.equal(cpeRange.match(mk('1.0.1g'), kb).candidates.length, 0);
    assert.equal(cpeRange.match(mk('1.0.2'), kb).candidates.length, 0);
  });

  it('AND configuration: the candidate carries the platform requirement, checked per asset', () => {
    // CVE-2019-1010xxx-style: app on Windows only (node 1 vulnerable app, node 2 platform vulnerable=false).
    const kb = memoryKb([
      { vulnerability_id: 'CVE-B', criteria: FF, version_end: '121.0', config_id: 'c1' },
      { vulnerability_id: 'CVE-B', criteria: 'cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*', vulnerable: 0, config_id: 'c1' },
    ]);
    const c = cpeRange.match(firefox('120.0'), kb).candidates[0]!;
    assert.ok(c.requires);
    const windows: CpeIdentity = { part: 'o', vendor: 'microsoft', product: 'windows', version: null, method: 'os', confidence: 1, ref: null };
    const debian: CpeIdentity = { part: 'o', vendor: 'debian', product: 'debian_linux', version: '12', method: 'os', confidence: 1, ref: null };
    assert.equal(satisfies(c.requires, [debian]).ok, false);
    assert.equal(satisfies(c.requires, [windows]).ok, true);
  });

  it('AND configuration with a versioned OS platform (Debian 10.0 in NVD vs 12 on the asset)', () => {
    const kb = memoryKb([
      { vulnerability_id: 'CVE-C', criteria: FF, config_id: 'c2' },
      { vulnerability_id: 'CVE-C', criteria: 'cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*', vulnerable: 0, config_id: 'c2' },
    ]);
    const req = cpeRange.match(firefox('120.0'), kb).candidates[0]!.requires!;
    const deb = (v: string): CpeIdentity => ({ part: 'o', vendor: 'debian', product: 'debian_linux', version: v, method: 'os', confidence: 1, ref: null });
    assert.equal(satisfies(req, [deb('12')]).ok, false);
    assert.equal(satisfies(req, [deb('10')]).ok, true);
  });

  it('negate: "not running on" excludes the asset', () => {
    const kb = memoryKb([
      { vulnerability_id: 'CVE-D', criteria: FF, config_id: 'c3' },
      { vulnerability_id: 'CVE-D', criteria: 'cpe:2.3:o:apple:macos:*:*:*:*:*:*:*:*', vulnerable: 0, negate: 1, config_id: 'c3' },
    ]);
    const req = cpeRange.match(firefox('120.0'), kb).candidates[0]!.requires!;
    const mac: CpeIdentity = { part: 'o', vendor: 'apple', product: 'macos', version: '14', method: 'os', confidence: 1, ref: null };
    assert.equal(satisfies(req, [mac]).ok, false);
    assert.equal(satisfies(req, []).ok, true);
  });

  it('target_sw: a WordPress plugin of the same name needs WordPress on the asset', () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-E', criteria: 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:wordpress:*:*', version_end: '200' }]);
    const c = cpeRange.match(firefox('120.0'), kb).candidates[0]!;
    assert.equal(satisfies(c.requires!, []).ok, false);
  });

  it('all-versions rules weigh less than a range', () => {
    const c = cpeRange.match(firefox('120.0'), memoryKb([{ vulnerability_id: 'CVE-A', criteria: FF }])).candidates[0]!;
    assert.ok(c.confidence < 0.95);
    assert.equal(c.evidence.comparison.comparator, 'all versions');
  });

  it('evidence names the rule, its record and revision, the comparator and range', () => {
    const c = cpeRange.match(firefox('120.0'), memoryKb([{ vulnerability_id: 'CVE-A', criteria: FF, version_end: '121.0' }])).candidates[0]!;
    assert.equal(c.evidence.identity.method, 'alias');
    assert.equal(c.evidence.rule.recordId, 'CVE-A');
    assert.equal(c.evidence.rule.revision, '2024-01-01T00:00:00.000');
    assert.equal(c.evidence.comparison.range, 'v < 121.0');
    assert.equal(c.fixedVersion, '121.0');
  });
});
