/** rpm ordering: real EVR strings (RHEL/Fedora packages, rpm's own ~ and ^ cases) checked against Debian's rpm 4.18 `rpm.vercmp`. */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCommand, skipUnless } from '../../test/helpers/components.js';
import { rpm } from './rpm.js';

// [a, b, sign]: expectations written from `rpm --eval "%{lua: print(rpm.vercmp(a, b))}"` (rpm 4.18.0, Debian 12).
const RPM_TABLE: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0~rc1', 1],
  ['1.0^git1', '1.0', 1],
  ['1.0^git1', '1.0.1', -1],
  ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0~rc1^git1', '1.0', -1],
  ['3.0.7-27.el9', '3.0.7-24.el9', 1],
  ['1:3.0.7-27.el9', '3.0.7-28.el9', 1],
  ['2.9.13-6.el9_4', '2.9.13-6.el9', 1],
  ['1.1.1k-12.el8_9', '1.1.1k-9.el8_7', 1],
  ['5.14.0-427.13.1.el9_4', '5.14.0-362.24.1.el9_3', 1],
  ['1.0a', '1.0', 1],
  ['1.0', '1.0.0', -1],
  ['a', '1', -1],
  ['1.010', '1.9', 1],
  ['2.0.1', '2.0.1a', -1],
  ['1.0_1', '1.0.1', 0],
  ['6.0-0.rc1.fc39', '6.0-1.fc39', -1],
  ['2.4.57-5.el9', '2.4.57-5.el9_1.1', -1],
  ['7.76.1-26.el9_3.2', '7.76.1-29.el9_4', -1],
  ['8.7p1-34.el9', '8.7p1-38.el9', -1],
  ['1.9.5p2-9.el9', '1.9.5p2-10.el9', -1],
  ['4.18.0-513.5.1.el8_9', '4.18.0-477.10.1.el8_8', 1],
  ['2.28-225.el8', '2.28-236.el8_9.12', -1],
  ['0:1.2', '1.2', 0],
  ['1.2.3.Final', '1.2.3', 1],
  ['1.0~beta', '1.0~alpha', 1],
  ['1.1.1', '1.1.1-1', -1],
  ['5.5.68-1.el7', '5.5.68-1.el7_9', -1],
  ['10.5.16-2.module+el8.8.0+18000+1', '10.5.16-2.module+el8.8.0+17000+1', 1],
  ['17.0.10.0.7-2.el9', '17.0.9.0.9-2.el9', 1],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('rpm version scheme', () => {
  for (const [a, b, want] of RPM_TABLE) {
    it(`${a} vs ${b} → ${want}`, () => {
      assert.equal(sign(rpm.compare(a, b)), want);
      assert.equal(sign(rpm.compare(b, a)), -want || 0);
    });
  }

  it('agrees with rpm.vercmp on every row', { skip: skipUnless(hasCommand('rpm'), 'rpm not installed (apt-get install rpm)') }, () => {
    const lua = RPM_TABLE.map(([a, b]) => `print(rpm.vercmp('${a}','${b}')) print(' ')`).join(' ');
    const out = spawnSync('rpm', ['--eval', `%{lua: ${lua} }`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
    assert.equal(out.length, RPM_TABLE.length);
    RPM_TABLE.forEach(([a, b], k) => assert.equal(sign(rpm.compare(a, b)), out[k], `${a} vs ${b}`));
  });

  it('refuses strings that cannot be versions', () => {
    for (const v of ['', '   ', '1.0 beta', '...']) assert.ok(!rpm.valid!(v), v);
    assert.ok(rpm.valid!('1:3.0.7-27.el9'));
  });
});
