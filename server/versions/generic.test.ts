/** generic dotted ordering: upstream versions as NVD writes them in CPE criteria and ranges (OpenSSL letters, OpenSSH p, Chrome 4-part…). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generic } from './generic.js';

const TABLE: [string, string, -1 | 0 | 1][] = [
  ['1.1', '1.1.1k', -1], // OCS's substring matching made these equal; a bound must never match by prefix
  ['1.1.1', '1.1.1k', -1],
  ['1.0.1g', '1.0.1f', 1],
  ['1.0.1g', '1.0.1', 1],
  ['1.0.2', '1.0.1u', 1],
  ['3.0.13', '3.0.11', 1],
  ['9.2p1', '9.2', 1],
  ['9.3p2', '9.2p1', 1],
  ['9.2p1', '9.3', -1],
  ['1.9.5p2', '1.9.5p1', 1],
  ['1.9.13p3', '1.9.5p2', 1],
  ['1.6.3_p7', '1.6.3', 1],
  ['3.0.21a', '3.0.21', 1],
  ['0.9.8a', '0.9.8', 1],
  ['146.0.7680.71', '146.0.7680.8', 1],
  ['10.0.19045.5247', '10.0.19045.7058', -1],
  ['10.0.17763.8511', '10.0.17763.107', 1],
  ['2.4.56', '2.4.6', 1],
  ['7.88.1', '8.0.0', -1],
  ['12', '12.0', 0],
  ['v7.2.5', '7.2.5', 0],
  ['1.0rc1', '1.0', -1],
  ['1.0-beta2', '1.0', -1],
  ['1.0b2', '1.0', -1],
  ['2.8_mr10', '2.8_mr9', 1],
  ['20130703', '20130610', 1],
  ['2.6.8.1.5', '2.6.8.1', 1],
  ['115.12.0esr', '115.9.1esr', 1],
  ['23.01', '22.01', 1],
  ['14.38.33130', '14.36.32532', 1],
  ['24.002.20759', '23.008.20470', 1],
  ['2.7.1150', '2.7.18', 1],
  ['4.43', '4.65', -1],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('generic version scheme', () => {
  for (const [a, b, want] of TABLE) {
    it(`${a} vs ${b} → ${want}`, () => {
      assert.equal(sign(generic.compare(a, b)), want);
      assert.equal(sign(generic.compare(b, a)), -want || 0);
    });
  }
  it('refuses strings without a digit', () => {
    assert.ok(!generic.valid!('latest'));
    assert.ok(generic.valid!('2.8_mr10'));
  });
});
