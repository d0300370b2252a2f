/**
 * The alerts config (channels referenced by rules and the digest must exist), quiet hours across midnight, and the rule registry (every rule file is registered and has a config type).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { alertsConfig, ruleConfig } from './config.js';
import { inQuietHours } from './evaluate.js';
import { ruleKinds } from './rules/index.js';

test('rules and the digest may only name defined channels; rule ids are unique', () => {
  assert.deepEqual(alertsConfig.parse({}).digest, { enabled: true, cron: '30 7 * * *', lang: 'fr', channels: [], kbStaleHours: 48, topN: 10, catchUpHours: 12 });
  const r = alertsConfig.safeParse({ digest: { channels: ['mail'] }, rules: [{ id: 'x', type: 'finding-kev', channels: ['hook'] }, { id: 'x', type: 'finding-kev', channels: ['hook'] }] });
  assert.equal(r.success, false);
  const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  assert.ok(messages.includes('digest.channels: channel "mail" is not defined under alerts.channels (defined: none)'));
  assert.ok(messages.includes('rules.0.channels: channel "hook" is not defined under alerts.channels (defined: none)'));
  assert.ok(messages.some((m) => /rule id "x" is used twice/.test(m)));
  assert.equal(alertsConfig.safeParse({ digest: { cron: 'every morning' } }).success, false);
  assert.equal(alertsConfig.safeParse({ timezone: 'Mars/Olympus' }).success, false);
  assert.equal(alertsConfig.safeParse({ channels: { mail: { type: 'pigeon' } } }).success, false);
});

test('quiet hours wrap around midnight in the configured time zone', () => {
  const cfg = { timezone: 'Europe/Paris', quietHours: { start: '22:00', end: '07:00' } };
  assert.equal(inQuietHours(new Date('2026-12-20T21:30:00Z'), cfg), true); // 22:30 Paris
  assert.equal(inQuietHours(new Date('2026-12-21T05:59:00Z'), cfg), true); // 06:59 Paris
  assert.equal(inQuietHours(new Date('2026-12-21T06:00:00Z'), cfg), false); // 07:00 Paris
  assert.equal(inQuietHours(new Date('2026-12-21T12:00:00Z'), { timezone: 'Europe/Paris' }), false);
});

test('every rule file is registered and every registered kind has a config type', () => {
  const files = readdirSync(new URL('./rules/', import.meta.url)).filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts', 'findings.ts'].includes(f) && !f.endsWith('.test.ts'));
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), ruleKinds.ids().sort());
  const types = ruleConfig.options.map((o) => o.shape.type.value).sort();
  assert.deepEqual(types, ruleKinds.ids().sort());
});
