/**
 * Debian tracker matcher, table-driven: below / at / above the fixed version, tracker statuses, backports and
 * exclusivity (a distro record means upstream CPE ranges are never consulted — Wazuh's false positives).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { item, memoryKb, sw } from '../../test/helpers/matcher.js';
import { distro } from './distro.js';
import { matchItem } from './pipeline.js';

const libssl = (version: string) => sw({ name: 'libssl3:amd64', version, origin: 'deb', sourcePackage: 'openssl', publisher: 'https://www.openssl.org/' });

describe('distro matcher (Debian tracker)', () => {
  const kb = memoryKb(
    [
      // NVD says openssl < 3.0.13 is vulnerable to CVE-2024-0727; Debian fixed it in 3.0.11-1~deb12u2 by backport.
      { vulnerability_id: 'CVE-2024-0727', criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', version_start: '3.0.0', version_end: '3.0.13' },
    ],
    [
      { package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' },
      { package: 'openssl', vulnerability_id: 'CVE-2023-5678', fixed_version: '3.0.11-1~deb12u2' },
      { package: 'openssl', vulnerability_id: 'CVE-2010-5298', fixed_version: '0', status: 'resolved' },
      { package: 'openssl', vulnerability_id: 'CVE-2007-6755', status: 'not-affected' },
      { package: 'openssl', vulnerability_id: 'CVE-2024-2511', status: 'open' },
      { package: 'openssl', vulnerability_id: 'CVE-2023-6129', status: 'ignored', urgency: 'unimportant' },
      { package: 'openssl', vulnerability_id: 'CVE-2024-9143', status: 'undetermined' },
    ],
  );

  const rows: [string, string, boolean][] = [
    ['3.0.11-1~deb12u1', 'CVE-2023-5678', true], // below the fixed backport
    ['3.0.11-1~deb12u2', 'CVE-2023-5678', false], // at
    ['3.0.11-1~deb12u3', 'CVE-2023-5678', false], // above
    ['3.0.13-1~deb12u1', 'CVE-2024-0727', false], // at: NVD would still say 3.0.13 ≥ end… not here
    ['3.0.11-1~deb12u2', 'CVE-2024-0727', true],
    ['3.0.15-1~deb12u1', 'CVE-2024-0727', false],
    ['3.0.19-1~deb12u2', 'CVE-2024-0727', false], // the real inventory's version
    ['3.0.19-1~deb12u2', 'CVE-2010-5298', false], // fixed "0": never affected
    ['3.0.19-1~deb12u2', 'CVE-2007-6755', false], // not-affected
    ['3.0.19-1~deb12u2', 'CVE-2024-2511', true], // unfixed
    ['3.0.19-1~deb12u2', 'CVE-2023-6129', true], // no-dsa: still vulnerable
    ['3.0.19-1~deb12u2', 'CVE-2024-9143', true], // undetermined: reported with low confidence
  ];
  for (const [version, cve, vulnerable] of rows) {
    it(`openssl ${version} ${cve} → ${vulnerable ? 'vulnerable' : 'not vulnerable'}`, () => {
      const out = distro.match(item(libssl(version)), kb);
      assert.equal(out.candidates.some((c) => c.vulnerabilityId === cve), vulnerable);
      assert.ok(out.exclusive);
    });
  }

  it('evidence: inventory → source package → tracker record → dpkg comparison → verdict', () => {
    const c = distro.match(item(libssl('3.0.11-1~deb12u1')), kb).candidates.find((x) => x.vulnerabilityId === 'CVE-2023-5678')!;
    assert.equal(c.evidence.inventory.name, 'libssl3:amd64');
    assert.equal(c.evidence.identity.key, 'deb:debian:bookworm/openssl@3.0.11-1~deb12u1');
    assert.equal(c.evidence.identity.method, 'agent');
    assert.equal(c.evidence.comparison.scheme, 'dpkg');
    assert.equal(c.evidence.comparison.fixedVersion, '3.0.11-1~deb12u2');
    assert.equal(c.fixedVersion, '3.0.11-1~deb12u2');
    assert.match(c.evidence.verdict.reason, /sorts before/);
  });

  it('undetermined and end-of-life carry lower confidence', () => {
    const c = distro.match(item(libssl('3.0.19-1~deb12u2')), kb).candidates.find((x) => x.vulnerabilityId === 'CVE-2024-9143')!;
    assert.equal(c.confidence, 0.5);
  });

  it('backported fix: the upstream NVD range is not consulted when Debian has a record (no Wazuh false positive)', () => {
    const out = matchItem(item(libssl('3.0.13-1~deb12u1')), kb);
    assert.ok(!out.candidates.some((c) => c.vulnerabilityId === 'CVE-2024-0727'));
    assert.ok(out.candidates.every((c) => c.matcher === 'distro'));
  });

  it('binary → source through the Packages index; binNMU keeps its own version', () => {
    const ctx = { packageSource: (_r: string, bin: string) => (bin === 'libssl3' ? [{ source: 'openssl', sourceVersion: '3.0.11-1~deb12u2', binaryVersion: '3.0.11-1~deb12u2+b1' }] : null) };
    const it1 = item(sw({ name: 'libssl3:amd64', version: '3.0.11-1~deb12u2+b1', origin: 'deb' }), undefined, ctx);
    assert.equal(it1.distro!.sourcePackage, 'openssl');
    assert.equal(it1.distro!.version, '3.0.11-1~deb12u2');
    assert.equal(it1.distro!.method, 'packages-index');
    assert.ok(!distro.match(it1, kb).candidates.some((c) => c.vulnerabilityId === 'CVE-2023-5678'));
  });

  it('metapackage: the indexed build with the installed version gives the source version (postgresql → postgresql-common)', () => {
    const builds = [
      { source: 'postgresql-common', sourceVersion: '248+deb12u1', binaryVersion: '15+248+deb12u1' },
      { source: 'postgresql-common', sourceVersion: '248+deb12u2', binaryVersion: '15+248+deb12u2' },
    ];
    const kb2 = memoryKb([], [{ package: 'postgresql-common', vulnerability_id: 'CVE-2019-3466', fixed_version: '210' }]);
    const i = item(sw({ name: 'postgresql', version: '15+248+deb12u1', origin: 'deb' }), undefined, { packageSource: () => builds });
    assert.equal(i.distro!.version, '248+deb12u1');
    assert.equal(distro.match(i, kb2).candidates.length, 0); // 248 ≥ 210: comparing the binary version 15+… would say vulnerable
    const older = item(sw({ name: 'postgresql', version: '15+248' }), undefined, { packageSource: () => builds });
    assert.equal(older.distro, null); // origin other: not a distro package
    const unindexed = item(sw({ name: 'postgresql', version: '15+248+deb12u3', origin: 'deb' }), undefined, { packageSource: () => builds });
    assert.deepEqual([unindexed.distro!.version, unindexed.distro!.confidence], ['248+deb12u2', 0.7]);
  });

  it('no distro record: not exclusive, and the deb alias gives an upstream identity with halved confidence', () => {
    const k2 = memoryKb([{ vulnerability_id: 'CVE-2099-0001', criteria: 'cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*', version_end: '8.0.0' }]);
    const i = item(sw({ name: 'curl', version: '7.88.1-10+deb12u12', origin: 'deb', sourcePackage: 'curl' }));
    // deb.yaml maps the curl source package to curl:libcurl, so haxx:curl rules do not apply: wrong product, no finding.
    assert.equal(i.cpe!.product, 'libcurl');
    assert.equal(matchItem(i, k2).candidates.length, 0);
    const k3 = memoryKb([{ vulnerability_id: 'CVE-2099-0002', criteria: 'cpe:2.3:a:curl:libcurl:*:*:*:*:*:*:*:*', version_end: '8.0.0' }]);
    const out = matchItem(i, k3);
    assert.equal(out.exclusive, false);
    assert.equal(out.candidates[0]!.matcher, 'cpe-range');
    assert.equal(out.candidates[0]!.confidence, 0.4);
    assert.equal(out.candidates[0]!.evidence.comparison.installed, '7.88.1');
  });

  it('an unparsable installed version is a problem, not a verdict', () => {
    const out = distro.match(item(libssl('garbage')), kb);
    assert.ok(out.problems.some((p) => p.code === 'VERSION_UNPARSABLE'));
    assert.ok(!out.candidates.some((c) => c.vulnerabilityId === 'CVE-2023-5678'));
  });
});
