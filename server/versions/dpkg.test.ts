/** dpkg ordering: real version strings (Debian 12 inventory, tracker fixed versions) checked against `dpkg --compare-versions`. */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCommand, skipUnless } from '../../test/helpers/components.js';
import { dpkg } from './dpkg.js';

// [a, b, sign of compare(a, b)]: expectations written from `dpkg --compare-versions` (dpkg 1.21, Debian 12).
export const DPKG_TABLE: [string, string, -1 | 0 | 1][] = [
  ['3.0.11-1~deb12u2', '3.0.11-1', -1],
  ['3.0.19-1~deb12u2', '3.0.17-1~deb12u3', 1],
  ['2:1.20.11-1+deb11u6', '2:1.20.11-1', 1],
  ['1:2.7.4-1', '2.8.0-1', 1],
  ['102.9.0esr-1~deb11u1', '102.9.0esr-1', -1],
  ['4.14.5+94-ge49571868d-1', '4.14.5-1', 1],
  ['3.20230214.1~deb10u1', '3.20230214.1', -1],
  ['1.0', '1.0-1', -1],
  ['1.0~rc1', '1.0', -1],
  ['1.0~~', '1.0~', -1],
  ['2.36-9+deb12u14', '2.36-9+deb12u9', 1],
  ['7.88.1-10+deb12u12', '7.88.1-10+deb12u5', 1],
  ['1:9.2p1-2+deb12u7', '1:9.2p1-2+deb12u3', 1],
  ['6.1.140-1', '6.1.129-1', 1],
  ['5.6.1+really5.4.5-1', '5.6.1-1', 1],
  ['1.2.13.dfsg-1', '1.2.13-1', 1],
  ['2.9.14+dfsg-1.3~deb12u1', '2.9.14+dfsg-1.3', -1],
  ['252.38-1~deb12u1', '252.36-1~deb12u1', 1],
  ['2.0.0-beta1', '2.0.0', 1],
  ['1.0a', '1.0+', -1],
  ['0:1.0', '1.0', 0],
  ['1.0-0', '1.0', 0],
  ['115.12.0esr-1~deb12u1', '115.9.1esr-1~deb12u1', 1],
  ['2.4.62-1~deb12u2', '2.4.62-1~deb11u1', 1],
  ['1.22.1-9+deb12u2', '1.22.1-9', 1],
  ['1.9.13p3-1+deb12u1', '1.9.13p3-1', 1],
  ['0.0~git20230202.1234567-1', '0.0.1-1', -1],
  ['1:2.38.1-5+deb12u3', '1:2.38.1-5+deb12u1', 1],
  ['2:9.0.1378-2+deb12u2', '2:9.0.1378-2', 1],
  ['5.2.15-2+b8', '5.2.15-2+b2', 1],
  ['3.7.9-2+deb12u4', '3.7.9-2+deb12u3', 1],
  ['8.0.0~rc1+dfsg-1', '8.0.0+dfsg-1', -1],
  ['1:10.11.11-0+deb12u1', '1:10.11.6-0+deb12u1', 1],
  ['3.0.19-1~deb12u2', '3.0.13-1', 1],
  ['1.1.1k-1', '1.1.1-1', 1],
  ['1.1', '1.1.1k', -1],
  ['2.7.4-1', '1:1.0-1', -1],
  ['20230311', '20230210+nmu1', 1],
  ['2.3.0~dfsg-1', '2.3.0-1', -1],
  ['7.4.33-1+deb11u7', '7.4.33-1+deb11u10', -1],
  ['1.2.3-1ubuntu0.1', '1.2.3-1', 1],
  ['1.8.2-2+deb12u1', '1.8.2-2', 1],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('dpkg version scheme', () => {
  for (const [a, b, want] of DPKG_TABLE) {
    it(`${a} vs ${b} → ${want}`, () => {
      assert.equal(sign(dpkg.compare(a, b)), want);
      assert.equal(sign(dpkg.compare(b, a)), -want || 0);
    });
  }

  it('agrees with dpkg --compare-versions on every row', { skip: skipUnless(hasCommand('dpkg'), 'dpkg not installed') }, () => {
    for (const [a, b] of DPKG_TABLE) {
      const lt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
      const eq = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
      assert.equal(sign(dpkg.compare(a, b)), lt ? -1 : eq ? 0 : 1, `${a} vs ${b}`);
    }
  });

  it('accepts real versions and refuses what dpkg refuses', () => {
    for (const v of ['1:9.2p1-2+deb12u7', '3.0.19-1~deb12u2', '2:1.20.11-1+deb11u6', '20230311', '4.14.5+94-ge49571868d-1', '1:2.7.4-1', '1.0']) {
      assert.ok(dpkg.valid!(v), v);
    }
    for (const v of ['', 'abc', 'x:1.0', '1.0-', '1.0 beta', 'v1.0', '1.0-1-ä']) assert.ok(!dpkg.valid!(v), v);
  });
});
