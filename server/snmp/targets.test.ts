/** Target parsing (CIDR, ranges, host:port) and the loopback/CIDR policies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inCidrs, isLoopback, parseHostPort, parseTargets } from './targets.js';

test('targets: CIDR skips network and broadcast, ranges expand, hosts keep ports', () => {
  assert.deepEqual(parseTargets(['127.0.0.0/30'], 161).map((t) => t.host), ['127.0.0.1', '127.0.0.2']);
  assert.equal(parseTargets(['127.0.0.0/24'], 161).length, 254);
  assert.deepEqual(parseTargets(['127.0.0.2-127.0.0.4'], 161).map((t) => t.host), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  assert.deepEqual(parseTargets(['127.0.0.2-3'], 161).map((t) => t.host), ['127.0.0.2', '127.0.0.3']);
  assert.deepEqual(parseTargets(['127.0.0.1/32'], 161).map((t) => t.host), ['127.0.0.1']);
  assert.deepEqual(parseTargets(['localhost:16100'], 161), [{ host: 'localhost', port: 16100 }]);
  assert.deepEqual(parseHostPort('[::1]:1161', 161), { host: '::1', port: 1161 });
});

test('targets: malformed or oversized specs are refused with the reason', () => {
  for (const bad of ['10.0.0.0/33', '10.0.0.9-10.0.0.1', '10.0.0.1-300', '10.0.0.0/8', 'a b', 'host:70000']) {
    assert.throws(() => parseTargets([bad], 161), (e: Error) => (e as { code?: string }).code === 'SNMP_TARGET_INVALID', bad);
  }
});

test('policies: loopback and CIDR lists', () => {
  assert.ok(isLoopback('127.0.0.5') && isLoopback('::1') && !isLoopback('10.0.0.1'));
  assert.ok(inCidrs('127.0.0.9', ['127.0.0.0/8']) && !inCidrs('128.0.0.1', ['127.0.0.0/8']) && inCidrs('10.1.2.3', ['10.1.2.3']));
});
