/** Which decision governs a finding: scope checks per version scheme, liveness, and most-specific-wins ordering. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { covers, isLive, pickDecision, type DecisionScope, type FindingFacts } from './scope.js';

const NOW = '2026-12-01T10:00:00.000Z';
let nextId = 1;
const decision = (p: Partial<DecisionScope> = {}): DecisionScope => ({
  id: nextId++, vulnerability_id: 'CVE-2024-0727', asset_id: null, software_name: null, version_from: null, version_to: null,
  created_at: '2026-11-30T00:00:00.000Z', expires_at: null, revoked_at: null, ...p,
});
const finding = (p: Partial<FindingFacts> = {}): FindingFacts => ({
  asset_id: 7, vulnerability_id: 'CVE-2024-0727', software_name: 'libssl3:amd64', software_version: '3.0.11-1~deb12u2', software_origin: 'deb', ...p,
});

test('covers: CVE, asset, software name and inclusive range in the finding\'s scheme', () => {
  assert.ok(covers(decision(), finding()));
  assert.ok(!covers(decision({ vulnerability_id: 'CVE-2023-5678' }), finding()));
  assert.ok(covers(decision({ asset_id: 7 }), finding()));
  assert.ok(!covers(decision({ asset_id: 8 }), finding()));
  assert.ok(!covers(decision({ software_name: 'openssl' }), finding()));
  // dpkg: the ~deb12u2 backport sorts before 3.0.11-1, so a range starting at 3.0.11-1 does not hold it.
  const range = { software_name: 'libssl3:amd64', version_from: '3.0.11-1', version_to: '3.0.13-1' };
  assert.ok(!covers(decision(range), finding()));
  assert.ok(covers(decision(range), finding({ software_version: '3.0.11-1' })), 'inclusive lower bound');
  assert.ok(covers(decision(range), finding({ software_version: '3.0.13-1' })), 'inclusive upper bound');
  assert.ok(covers(decision(range), finding({ software_version: '3.0.12-1+b1' })));
  assert.ok(!covers(decision(range), finding({ software_version: '1:3.0.12-1' })), 'an epoch sorts after every version without one');
  // rpm and generic schemes are chosen from the origin.
  assert.ok(covers(decision({ version_from: '1.0.2k-19.el7', version_to: '1.0.2k-25.el7' }), finding({ software_origin: 'rpm', software_version: '1.0.2k-21.el7' })));
  assert.ok(covers(decision({ version_to: '117.0.1' }), finding({ software_origin: 'msi', software_version: '117.0' })));
  assert.ok(!covers(decision({ version_to: '117.0.1' }), finding({ software_origin: 'msi', software_version: '117.0.2' })));
  assert.ok(!covers(decision({ version_to: '117.0.1' }), finding({ software_version: null })), 'no version: never inside a range');
});

test('isLive: revoked or past its expiry stops applying', () => {
  assert.ok(isLive(decision(), NOW));
  assert.ok(isLive(decision({ expires_at: '2026-12-01T10:00:01.000Z' }), NOW));
  assert.ok(!isLive(decision({ expires_at: NOW }), NOW));
  assert.ok(!isLive(decision({ revoked_at: '2026-11-30T12:00:00.000Z' }), NOW));
});

test('most specific wins: asset > all assets, software > any, narrower range, newest on ties', () => {
  const all = decision();
  const asset = decision({ asset_id: 7 });
  assert.equal(pickDecision([all, asset], finding())?.id, asset.id);
  assert.equal(pickDecision([asset, all], finding())?.id, asset.id);
  const named = decision({ software_name: 'libssl3:amd64' });
  assert.equal(pickDecision([all, named], finding())?.id, named.id);
  assert.equal(pickDecision([named, asset], finding())?.id, asset.id, 'the asset scope outranks a software scope on all assets');
  const wide = decision({ software_name: 'libssl3:amd64', version_from: '3.0.0', version_to: '3.0.99' });
  const narrow = decision({ software_name: 'libssl3:amd64', version_from: '3.0.10', version_to: '3.0.12' });
  const half = decision({ software_name: 'libssl3:amd64', version_to: '3.0.12' });
  assert.equal(pickDecision([wide, half, narrow, named], finding())?.id, narrow.id);
  assert.equal(pickDecision([half, named], finding())?.id, half.id, 'a half-open range is narrower than none');
  const older = decision({ asset_id: 7, created_at: '2026-11-01T00:00:00.000Z' });
  const newer = decision({ asset_id: 7, created_at: '2026-11-20T00:00:00.000Z' });
  assert.equal(pickDecision([older, newer], finding())?.id, newer.id);
  assert.equal(pickDecision([decision({ asset_id: 8 })], finding()), null);
});
