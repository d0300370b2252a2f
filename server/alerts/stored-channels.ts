/**
 * Alert channels created from the web UI, stored in alert_channels beside the vigie.yaml ones (which stay
 * read-only): validated by the same channel schemas as the config, secrets sealed with AES-256-GCM and never
 * returned, and merged into the alerts config wherever channels are read (digest, rules, outbox, test send).
 */
import type { Kysely } from 'kysely';
import { VigieError } from '../../common/errors.js';
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import {
  deleteAlertChannelRow, getAlertChannelRow, insertAlertChannelRow, listAlertChannelRows, updateAlertChannelRow, type AlertChannelRow,
} from '../db/repositories/alert-channels.js';
import type { Database } from '../db/types.js';
import { decrypt, encrypt, resolveKey } from '../snmp/credentials.js';
import { channelConfig, type ChannelConfig } from './channels/index.js';
import { channelName, type AlertsConfig } from './config.js';

/**
 * Write-only fields per channel type. A webhook URL is one because chat services put their token in it (Slack,
 * Teams, Mattermost), and extra headers usually carry an API key.
 */
export const SECRET_FIELDS: Record<ChannelConfig['type'], readonly string[]> = { email: ['password'], webhook: ['url', 'secret', 'headers'], syslog: [] };
/** Server-side file paths are for vigie.yaml only: a browser must not make the server read its files. */
const CONFIG_ONLY_FIELDS = ['caFile'];
/** Fields whose config schema reads `env:NAME` from the server's environment (secretString): refused from the API. */
const ENV_EXPANDED = ['password', 'secret'];

/** Where the key comes from: the server's stored-secret key, shared with the SNMP credential sets. */
export type StoredKeyConfig = Pick<VigieConfig, 'snmp' | 'db'>;

export interface StoredChannel {
  name: string;
  type: ChannelConfig['type'];
  /** Settings without secrets, as validated (defaults filled in). */
  settings: Record<string, unknown>;
  /** Secret fields that hold a value ("set" in the UI); values are never read back out. */
  secretsSet: string[];
  digest: boolean;
  rules: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ResolvedChannel {
  name: string;
  config: ChannelConfig;
  digest: boolean;
  rules: string[];
}

export interface ChannelInput {
  /** Channel settings as in vigie.yaml; on update a field left out keeps its stored value, null clears it. */
  config?: Record<string, unknown> | undefined;
  digest?: boolean | undefined;
  rules?: string[] | undefined;
}

const bad = (message: string, path: string) => new VigieError('API_BAD_REQUEST', `invalid body: ${path}: ${message}`, { details: { issues: [{ path, message }] } });

function keyOf(cfg: StoredKeyConfig): Buffer {
  return resolveKey(cfg.snmp, cfg.db.url);
}

function toStored(r: AlertChannelRow): StoredChannel {
  return {
    name: r.name, type: r.type as ChannelConfig['type'], settings: JSON.parse(r.settings) as Record<string, unknown>, secretsSet: [],
    digest: r.digest === 1, rules: JSON.parse(r.rules) as string[], createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Names of the secret fields a row holds, without decrypting (kept in clear beside the sealed values). */
function secretNames(r: AlertChannelRow): string[] {
  return r.secrets ? (JSON.parse(r.secrets) as { fields: string[] }).fields : [];
}

function openSecrets(r: AlertChannelRow, key: () => Buffer): Record<string, unknown> {
  if (!r.secrets) return {};
  const { sealed } = JSON.parse(r.secrets) as { sealed: string };
  try {
    return JSON.parse(decrypt(key(), sealed)) as Record<string, unknown>;
  } catch (cause) {
    throw new VigieError('CONFIG_INVALID', `alert channel "${r.name}": its stored secrets cannot be decrypted with the current snmp.secretKey (or snmp-secret.key); enter them again`, { cause });
  }
}

function sealSecrets(values: Record<string, unknown>, key: () => Buffer): string | null {
  const fields = Object.keys(values).filter((f) => values[f] !== undefined);
  if (!fields.length) return null;
  return JSON.stringify({ fields, sealed: encrypt(key(), JSON.stringify(values)) });
}

/** Validates settings + secrets with the channel's own config schema; returns the parsed config. */
export function checkChannelConfig(settings: Record<string, unknown>, secrets: Record<string, unknown>): ChannelConfig {
  for (const f of CONFIG_ONLY_FIELDS) if (settings[f] !== undefined || secrets[f] !== undefined) throw bad(`${f} is accepted in vigie.yaml only (a file on the server)`, `config.${f}`);
  for (const f of ENV_EXPANDED) {
    const v = secrets[f] ?? settings[f];
    if (typeof v === 'string' && /^env:/.test(v)) throw bad('"env:NAME" references are accepted in vigie.yaml only; enter the value itself', `config.${f}`);
  }
  const r = channelConfig.safeParse({ ...settings, ...secrets });
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: `body.config.${i.path.join('.')}`, message: i.message }));
    throw new VigieError('API_BAD_REQUEST', `invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
  return r.data;
}

function split(config: ChannelConfig): { settings: Record<string, unknown>; secrets: Record<string, unknown> } {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  const secretFields = SECRET_FIELDS[config.type];
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (secretFields.includes(k)) {
      // An empty header map is no secret: keep it out so "set" means something was entered.
      if (!(k === 'headers' && typeof v === 'object' && v !== null && !Object.keys(v).length)) secrets[k] = v;
    } else settings[k] = v;
  }
  return { settings, secrets };
}

function checkRules(rules: string[], alerts: Pick<AlertsConfig, 'rules'>): void {
  const known = alerts.rules.map((r) => r.id);
  rules.forEach((id, i) => {
    if (!known.includes(id)) throw bad(`expected one of the alerts.rules ids (${known.join(', ') || 'none configured'}), found "${id}"`, `rules.${i}`);
  });
}

export async function listStoredChannels(k: Kysely<Database>): Promise<StoredChannel[]> {
  return (await listAlertChannelRows(k)).map((r) => ({ ...toStored(r), secretsSet: secretNames(r) }));
}

export async function createStoredChannel(
  k: Kysely<Database>, cfg: StoredKeyConfig & { alerts: AlertsConfig }, name: string, input: ChannelInput & { config: Record<string, unknown> }, actor: string | null, now = new Date(),
): Promise<StoredChannel> {
  const n = channelName.safeParse(name);
  if (!n.success) throw bad(n.error.issues[0]?.message ?? 'invalid name', 'name');
  if (cfg.alerts.channels[name]) throw new VigieError('API_CONFLICT', `channel "${name}" is defined in vigie.yaml (alerts.channels); choose another name`);
  if (await getAlertChannelRow(k, name)) throw new VigieError('API_CONFLICT', `channel "${name}" already exists`);
  const rules = input.rules ?? [];
  checkRules(rules, cfg.alerts);
  const nulls = Object.entries(input.config).filter(([, v]) => v === null).map(([f]) => f);
  const clean = Object.fromEntries(Object.entries(input.config).filter(([, v]) => v !== null));
  if (nulls.length) throw bad('null clears a stored secret on update; leave the field out instead', `config.${nulls[0]}`);
  const config = checkChannelConfig(clean, {});
  const { settings, secrets } = split(config);
  await insertAlertChannelRow(k, {
    name, type: config.type, settings: JSON.stringify(settings), secrets: sealSecrets(secrets, () => keyOf(cfg)),
    digest: input.digest ? 1 : 0, rules: JSON.stringify(rules), created_by: actor, now: now.toISOString(),
  });
  return (await listStoredChannels(k)).find((c) => c.name === name)!;
}

export async function updateStoredChannel(k: Kysely<Database>, cfg: StoredKeyConfig & { alerts: AlertsConfig }, name: string, input: ChannelInput, now = new Date()): Promise<{ channel: StoredChannel; changed: string[] }> {
  if (cfg.alerts.channels[name]) throw new VigieError('API_FORBIDDEN', `channel "${name}" is defined in vigie.yaml: change it there`);
  const row = await getAlertChannelRow(k, name);
  if (!row) throw new VigieError('API_NOT_FOUND', `no alert channel "${name}" stored from the UI`);
  const set: Parameters<typeof updateAlertChannelRow>[2] = { updated_at: now.toISOString() };
  const changed: string[] = [];
  if (input.rules) {
    checkRules(input.rules, cfg.alerts);
    set.rules = JSON.stringify(input.rules);
    changed.push('rules');
  }
  if (input.digest !== undefined) {
    set.digest = input.digest ? 1 : 0;
    changed.push('digest');
  }
  if (input.config) {
    const type = (input.config.type ?? row.type) as ChannelConfig['type'];
    const secretFields = SECRET_FIELDS[type] ?? [];
    // Secrets: left out = keep the stored value (same type only), null = clear, a value = replace.
    const kept = type === row.type ? openSecrets(row, () => keyOf(cfg)) : {};
    const secrets: Record<string, unknown> = {};
    // Settings: a partial update of the same type keeps the fields left out; null removes one (back to its default).
    const settings: Record<string, unknown> = type === row.type ? { ...(JSON.parse(row.settings) as Record<string, unknown>), type } : { type };
    for (const f of secretFields) if (kept[f] !== undefined) secrets[f] = kept[f];
    for (const [f, v] of Object.entries(input.config)) {
      const target = secretFields.includes(f) ? secrets : settings;
      if (v === null) delete target[f];
      else target[f] = v;
    }
    const config = checkChannelConfig(settings, secrets);
    const parts = split(config);
    set.type = config.type;
    set.settings = JSON.stringify(parts.settings);
    set.secrets = sealSecrets(parts.secrets, () => keyOf(cfg));
    changed.push(...Object.keys(input.config).map((f) => `config.${f}`));
  }
  await updateAlertChannelRow(k, name, set);
  return { channel: (await listStoredChannels(k)).find((c) => c.name === name)!, changed };
}

export async function deleteStoredChannel(k: Kysely<Database>, alerts: Pick<AlertsConfig, 'channels'>, name: string): Promise<void> {
  if (alerts.channels[name]) throw new VigieError('API_FORBIDDEN', `channel "${name}" is defined in vigie.yaml: remove it there`);
  if (!(await deleteAlertChannelRow(k, name))) throw new VigieError('API_NOT_FOUND', `no alert channel "${name}" stored from the UI`);
}

/** Stored channels with their secrets, ready to send. A row that no longer validates is reported, not thrown. */
export async function resolveStoredChannels(k: Kysely<Database>, cfg: Partial<StoredKeyConfig>): Promise<{ channels: ResolvedChannel[]; problems: string[] }> {
  const rows = await listAlertChannelRows(k);
  const channels: ResolvedChannel[] = [];
  const problems: string[] = [];
  let key: Buffer | undefined;
  const getKey = () => {
    if (!cfg.snmp || !cfg.db) throw new VigieError('CONFIG_INVALID', 'stored alert channel secrets need snmp.secretKey and db.url to find their key');
    return (key ??= keyOf(cfg as StoredKeyConfig));
  };
  for (const r of rows) {
    try {
      const config = channelConfig.parse({ ...(JSON.parse(r.settings) as object), ...openSecrets(r, getKey) });
      channels.push({ name: r.name, config, digest: r.digest === 1, rules: JSON.parse(r.rules) as string[] });
    } catch (e) {
      problems.push(`alert channel "${r.name}": ${(e as Error).message}`);
    }
  }
  return { channels, problems };
}

/**
 * The alerts config with the stored channels added: their instances, the digest list, and the rules they
 * subscribe to. vigie.yaml wins a name clash (creation refuses one; a later edit of vigie.yaml may add it).
 */
export function mergeStoredChannels<A extends Pick<AlertsConfig, 'channels' | 'rules' | 'digest'>>(alerts: A, stored: ResolvedChannel[]): A {
  if (!stored.length) return alerts;
  const channels = { ...alerts.channels };
  const digest = [...alerts.digest.channels];
  const rules = alerts.rules.map((r) => ({ ...r, channels: [...r.channels] }));
  for (const s of stored) {
    if (channels[s.name]) continue;
    channels[s.name] = s.config;
    if (s.digest) digest.push(s.name);
    for (const r of rules) if (s.rules.includes(r.id)) r.channels.push(s.name);
  }
  return { ...alerts, channels, rules, digest: { ...alerts.digest, channels: digest } };
}

/** `config` with alerts.* extended by the stored channels (read on each use, so every node sees UI changes). */
export async function withStoredChannels<C extends { alerts: AlertsConfig } & Partial<StoredKeyConfig>>(db: Db, config: C, log?: (problem: string) => void): Promise<C> {
  const { channels, problems } = await resolveStoredChannels(db.kysely, config);
  for (const p of problems) log?.(p);
  return channels.length ? { ...config, alerts: mergeStoredChannels(config.alerts, channels) } : config;
}
