/** Config: the example file is valid and complete; env names derive from paths; errors name key, value, fix. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { VigieError } from '../../common/errors.js';
import { configLeaves, envName, loadConfig } from './load.js';

const example = new URL('../../vigie.example.yaml', import.meta.url).pathname;

test('vigie.example.yaml is valid and mentions every key', () => {
  const cfg = loadConfig({ file: example, env: {} });
  assert.equal(cfg.server.port, 8080);
  const text = readFileSync(example, 'utf8');
  for (const leaf of configLeaves()) {
    assert.ok(text.includes(`${leaf.path[leaf.path.length - 1]}:`), `example lacks ${leaf.path.join('.')}`);
  }
  assert.ok(parse(text));
});

test('env names derive from key paths', () => {
  assert.equal(envName(['db', 'url']), 'VIGIE_DB_URL');
  assert.equal(envName(['agents', 'prologFreqHours']), 'VIGIE_AGENTS_PROLOG_FREQ_HOURS');
  const cfg = loadConfig({ env: { VIGIE_DB_URL: 'sqlite:/tmp/x.db', VIGIE_AGENTS_PROLOG_FREQ_HOURS: '12', VIGIE_SERVER_TRUSTED_PROXIES: '10.0.0.1/32, 10.0.0.2' } });
  assert.equal(cfg.db.url, 'sqlite:/tmp/x.db');
  assert.equal(cfg.agents.prologFreqHours, 12);
  assert.deepEqual(cfg.server.trustedProxies, ['10.0.0.1/32', '10.0.0.2']);
});

test('errors name the key, the env variable, the value found and the fix', () => {
  assert.throws(
    () => loadConfig({ env: { VIGIE_SERVER_PORT: 'eighty' } }),
    (e: unknown) => e instanceof VigieError && e.code === 'CONFIG_INVALID' && /server\.port \(VIGIE_SERVER_PORT\): found "eighty"/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ env: { VIGIE_DB_URL: 'mysql://x' } }),
    (e: unknown) => e instanceof VigieError && /db\.url.*found "mysql:\/\/x".*expected sqlite:<path> or postgres/.test(e.message),
  );
  assert.throws(() => loadConfig({ env: { VIGIE_DB_URLL: 'x' } }), /unknown environment variable VIGIE_DB_URLL/);
});

test('unknown keys in the file are rejected', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/vigie-cfg-');
  writeFileSync(`${dir}/v.yaml`, 'server:\n  prot: 80\n');
  assert.throws(() => loadConfig({ file: `${dir}/v.yaml`, env: {} }), /server.*remove prot/);
});
