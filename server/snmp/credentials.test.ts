/** Credential sets at rest: AES-256-GCM round trip, tamper and wrong-key detection, key file created 0600. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decrypt, encrypt, resolveKey, summaryOf } from './credentials.js';

test('encrypt/decrypt round trip; a wrong key or a flipped bit is refused', () => {
  const key = Buffer.alloc(32, 7);
  const sealed = encrypt(key, '{"community":"s3cret"}');
  assert.ok(!sealed.includes('s3cret') && !Buffer.from(sealed, 'base64').toString('latin1').includes('s3cret'));
  assert.equal(decrypt(key, sealed), '{"community":"s3cret"}');
  assert.notEqual(encrypt(key, 'x'), encrypt(key, 'x'), 'random IV per record');
  assert.throws(() => decrypt(Buffer.alloc(32, 8), sealed), /not the key it was stored with/);
  const raw = Buffer.from(sealed, 'base64');
  raw[raw.length - 1]! ^= 1;
  assert.throws(() => decrypt(key, raw.toString('base64')), /cannot be decrypted/);
});

test('the key file is created beside the SQLite database with mode 0600, and reused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-key-'));
  const url = `sqlite:${join(dir, 'vigie.db')}`;
  const k1 = resolveKey({}, url);
  const file = join(dir, 'snmp-secret.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8').trim().length, 64);
  assert.deepEqual(resolveKey({}, url), k1);
  assert.deepEqual(resolveKey({ secretKey: 'ab'.repeat(32) }, url), Buffer.alloc(32, 0xab));
});

test('summaries never carry secrets', () => {
  assert.deepEqual(summaryOf({ version: 'v2c', community: 'public' }), { version: 'v2c' });
  const s = summaryOf({ version: 'v3', user: 'u', level: 'authPriv', authProtocol: 'sha256', authKey: 'k1k1k1k1', privProtocol: 'aes', privKey: 'k2k2k2k2' });
  assert.deepEqual(s, { version: 'v3', user: 'u', level: 'authPriv', authProtocol: 'sha256', privProtocol: 'aes' });
});
