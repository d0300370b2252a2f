/**
 * Agent configuration: the daemon's file (/etc/vigie/agent.yaml by default) overlaid by command-line options.
 * Declared once (KEYS), unknown keys rejected (style.md §3.1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The keys, declared once: type, default, bounds, description. A table rather than zod on purpose: zod is 450 KB
 * of the 660 KB bundle and ~10 MB of the agent's RSS, for 16 flat keys.
 */
const KEYS = {
  server: { type: 'string', default: null, describe: 'server URL, e.g. https://vigie.example.org/ocsinventory' },
  tag: { type: 'string', default: null, describe: 'TAG sent until the server assigns one (as OCS --tag)' },
  ca: { type: 'string', default: null, describe: 'PEM CA file used instead of the system store' },
  pinSha256: { type: 'string', default: null, describe: 'SHA-256 of the server certificate (hex): any other certificate is refused' },
  user: { type: 'string', default: null, describe: 'HTTP Basic user (clear text, unlike the OCS agent)' },
  password: { type: 'string', default: null, describe: 'HTTP Basic password' },
  proxy: { type: 'string', default: null, describe: 'http://[user:pass@]proxy:port' },
  userAgent: { type: 'string', default: null, describe: 'User-Agent override (default: the OCS unix agent one, see docs/agent.md)' },
  stateDir: { type: 'string', default: null, describe: 'state directory (default /var/lib/vigie-agent, or ~/.local/state/vigie-agent)' },
  spoolSize: { type: 'integer', default: 5, min: 0, max: 100, describe: 'inventories kept for later delivery when the server is unreachable' },
  intervalHours: { type: 'number', default: 24, min: 0.01, max: 8760, describe: 'daemon period until the server sends PROLOG_FREQ' },
  jitter: { type: 'number', default: 0.25, min: 0, max: 1, describe: 'fraction of the period randomly removed from each wait' },
  retryMinutes: { type: 'number', default: 5, min: 0.01, max: 10080, describe: 'first retry delay after a failure, doubled up to the period' },
  timeoutSeconds: { type: 'number', default: 60, min: 1, max: 3600, describe: 'HTTP timeout' },
  collectorTimeoutSeconds: { type: 'number', default: 120, min: 1, max: 3600, describe: 'time limit of one collector' },
  disabledCollectors: { type: 'string[]', default: [] as string[], describe: 'collector ids not run' },
} as const;

type Key = keyof typeof KEYS;
type ValueOf<K extends Key> = (typeof KEYS)[K]['type'] extends 'string' ? string | null : (typeof KEYS)[K]['type'] extends 'string[]' ? string[] : number;
export type AgentConfig = { [K in Key]: ValueOf<K> };

/** Validates a raw object (YAML file + options): unknown keys and wrong types are errors naming the key. */
export function parseAgentConfig(raw: unknown, where = 'agent configuration'): AgentConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected a mapping of keys, found ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  const input = raw as Record<string, unknown>;
  for (const k of Object.keys(input)) {
    if (!(k in KEYS)) throw new Error(`${where}: unknown key "${k}" (expected one of ${Object.keys(KEYS).join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(KEYS)) {
    const v = input[k];
    if (v === undefined || v === null) {
      out[k] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
      continue;
    }
    if (spec.type === 'string') {
      if (typeof v !== 'string') throw new Error(`${where}: ${k}: expected a string, found ${typeof v}`);
      out[k] = v;
    } else if (spec.type === 'string[]') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${where}: ${k}: expected a list of strings`);
      out[k] = v;
    } else {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
        throw new Error(`${where}: ${k}: expected ${spec.type === 'integer' ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}], found ${JSON.stringify(v)}`);
      }
      out[k] = n;
    }
  }
  return out as AgentConfig;
}

/** Key → description, for docs and `--help` texts. */
export const agentConfigKeys: Record<Key, string> = Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [k, v.describe])) as Record<Key, string>;

export const DEFAULT_CONFIG_FILE = '/etc/vigie/agent.yaml';

export async function loadAgentConfig(file: string | null, overrides: Partial<Record<keyof AgentConfig, unknown>>): Promise<AgentConfig> {
  let fromFile: unknown = {};
  const path = file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : null);
  // yaml is loaded only when there is a file: most runs (--local, timer with options) never pay for it.
  if (path) fromFile = (await import('yaml')).parse(readFileSync(path, 'utf8')) ?? {};
  const merged = { ...(fromFile as Record<string, unknown>), ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  return parseAgentConfig(merged, `agent configuration${path ? ` ${path}` : ''}`);
}

/** Root uses /var/lib/vigie-agent (the systemd unit's StateDirectory); anyone else a per-user directory. */
export function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/vigie-agent';
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'Vigie', 'agent');
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'vigie-agent');
}
