/**
 * Credential sets stored through the API, secrets encrypted at rest with AES-256-GCM (NIST SP 800-38D): a random
 * 12-byte IV per record, the 16-byte tag checked on read. The key is `snmp.secretKey` (VIGIE_SNMP_SECRET_KEY) or,
 * when unset, `snmp-secret.key` beside the SQLite database (./data for PostgreSQL), created with mode 0600 on
 * first use. Losing the key makes stored sets unreadable (they must be entered again); the database alone
 * never reveals a community or a v3 key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { VigieError } from '../../common/errors.js';
import type { Database } from '../db/types.js';
import { snmpCredentialConfig } from './config.js';
import type { SnmpCredential } from './types.js';

export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new VigieError('CONFIG_INVALID', 'snmp.secretKey: expected 32 bytes (64 hex digits or base64)');
  return key;
}

/** The key file path for a db.url: beside the SQLite file, else ./data. */
export function keyFilePath(dbUrl: string): string {
  const dir = dbUrl.startsWith('sqlite:') && !dbUrl.includes(':memory:') ? dirname(resolve(dbUrl.slice('sqlite:'.length))) : resolve('data');
  return join(dir, 'snmp-secret.key');
}

export function resolveKey(cfg: { secretKey?: string | undefined }, dbUrl: string): Buffer {
  if (cfg.secretKey) return parseKey(cfg.secretKey);
  const file = keyFilePath(dbUrl);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return parseKey(readFileSync(file, 'utf8'));
}

export function encrypt(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

export function decrypt(key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 29) throw new VigieError('CONFIG_INVALID', 'stored SNMP credential is truncated');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch (e) {
    throw new VigieError('CONFIG_INVALID', 'a stored SNMP credential cannot be decrypted: snmp.secretKey (or snmp-secret.key) is not the key it was stored with', { cause: e });
  }
}

/** What the API shows of a credential set: never a community or key. */
export function summaryOf(c: SnmpCredential): Record<string, string> {
  if (c.version !== 'v3') return { version: c.version };
  return { version: 'v3', user: c.user, level: c.level, ...(c.authProtocol ? { authProtocol: c.authProtocol } : {}), ...(c.privProtocol ? { privProtocol: c.privProtocol } : {}) };
}

export interface StoredCredential {
  id: number;
  name: string;
  position: number;
  summary: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export async function listCredentials(db: Kysely<Database>): Promise<StoredCredential[]> {
  const rows = await db.selectFrom('snmp_credentials').select(['id', 'name', 'position', 'summary', 'created_at', 'updated_at']).orderBy('position').orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), name: r.name, position: r.position, summary: JSON.parse(r.summary) as Record<string, string>, createdAt: r.created_at, updatedAt: r.updated_at }));
}

export async function saveCredential(db: Kysely<Database>, key: Buffer, name: string, cred: SnmpCredential, position: number, now: string): Promise<number> {
  const checked = snmpCredentialConfig.parse({ ...cred, name }) as SnmpCredential;
  const values = { version: checked.version, position, summary: JSON.stringify(summaryOf(checked)), secret: encrypt(key, JSON.stringify(checked)), updated_at: now };
  const existing = await db.selectFrom('snmp_credentials').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) {
    await db.updateTable('snmp_credentials').set(values).where('id', '=', existing.id).execute();
    return Number(existing.id);
  }
  const r = await db.insertInto('snmp_credentials').values({ name, created_at: now, ...values }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function deleteCredential(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('snmp_credentials').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Stored sets, decrypted, in discovery order. */
export async function loadCredentials(db: Kysely<Database>, key: Buffer): Promise<SnmpCredential[]> {
  const rows = await db.selectFrom('snmp_credentials').select(['name', 'secret']).orderBy('position').orderBy('id').execute();
  return rows.map((r) => ({ ...(JSON.parse(decrypt(key, r.secret)) as SnmpCredential), name: r.name }));
}
