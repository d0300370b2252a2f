/** semver ordering: versions of npm/Go/Rust-style projects as they appear in CVE 5 `versionType: semver` ranges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { semver } from './semver.js';

const TABLE: [string, string, -1 | 0 | 1][] = [
  ['2.0.0-rc.1', '2.0.0', -1],
  ['2.0.0-alpha', '2.0.0-alpha.1', -1],
  ['2.0.0-alpha.1', '2.0.0-alpha.beta', -1],
  ['2.0.0-beta.2', '2.0.0-beta.11', -1],
  ['1.0.0+build.1', '1.0.0+build.2', 0],
  ['v18.19.1', '18.19.1', 0],
  ['20.11.1', '18.20.4', 1],
  ['4.17.21', '4.17.20', 1],
  ['1.22.1', '1.21.13', 1],
  ['0.10.0', '0.9.9', 1],
  ['7.33.0', '7.88.1', -1],
  ['10.0.22', '10.0.3', 1],
  ['1.6.3', '1.6.30', -1],
  ['3.1.4-beta.1', '3.1.3', 1],
  ['1.2.3-0', '1.2.3-alpha', -1],
  ['2.4', '2.4.1', -1], // two-part bounds fall back to dotted ordering
  ['15.0.0-canary.12', '14.2.3', 1],
  ['5.0.0', '5.0.0-rc.3', 1],
  ['1.13.0', '1.13.0-pre', 1],
  ['2.11.0', '2.9.1', 1],
  ['0.0.1', '0.0.0', 1],
  ['3.0.0-0.3.7', '3.0.0-0.3.12', -1],
  ['1.4.2', '1.4.2', 0],
  ['6.9.0', '6.10.0', -1],
  ['8.4.31', '8.4.5', 1],
  ['12.22.12', '14.0.0', -1],
  ['22.4.1', '22.10.0', -1],
  ['0.21.0', '0.21.0-beta.1', 1],
  ['1.0.0-x.7.z.92', '1.0.0-x.7.z.93', -1],
  ['9.0.0', '9.0.0+20240101', 0],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('semver version scheme', () => {
  for (const [a, b, want] of TABLE) it(`${a} vs ${b} → ${want}`, () => assert.equal(sign(semver.compare(a, b)), want));
  it('valid and normalise', () => {
    assert.ok(semver.valid!('v1.2.3'));
    assert.ok(!semver.valid!('1.2.3.4'));
    assert.equal(semver.normalise!('v1.2.3'), '1.2.3');
  });
});
