/** Secrets in config: `env:NAME` reads the variable at load time; a missing variable names itself in the error. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsConfig } from '../alerts/config.js';

test('a secret written env:NAME is read from the environment, and a missing one is an error', () => {
  const name = 'ALERTS_TEST_HOOK_KEY';
  process.env[name] = 'from-env';
  try {
    const a = alertsConfig.parse({ channels: { hook: { type: 'webhook', url: 'http://127.0.0.1:9/x', secret: `env:${name}` } } });
    assert.equal(a.channels.hook?.type === 'webhook' && a.channels.hook.secret, 'from-env');
    delete process.env[name];
    const r = alertsConfig.safeParse({ channels: { hook: { type: 'webhook', url: 'http://127.0.0.1:9/x', secret: `env:${name}` } } });
    assert.match(r.error!.issues[0]!.message, /environment variable ALERTS_TEST_HOOK_KEY is not set/);
  } finally {
    delete process.env[name];
  }
});
