/**
 * Loads vigie.yaml (--config, or ./vigie.yaml when present) and VIGIE_* variables, validates once.
 * The only reader of process.env in the server (style.md §3.8).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigieError } from '../../common/errors.js';
import { configSchema, type VigieConfig } from './schema.js';

interface Leaf {
  path: string[];
  env: string;
  isArray: boolean;
  describe: string | undefined;
}

/** Strips default/optional/nullable/pipe wrappers to reach the object or leaf type. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    const def = (s as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    if ((def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

export function envName(path: string[]): string {
  return 'VIGIE_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Every leaf key of the schema with its derived environment variable name. */
export function configLeaves(schema: z.ZodType = configSchema, path: string[] = []): Leaf[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => configLeaves(v, [...path, k]));
  }
  return [{ path, env: envName(path), isArray: inner instanceof z.ZodArray, describe: schema.description ?? inner.description }];
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const p of path.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

export interface LoadOptions {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}

export function loadConfig(options: LoadOptions = {}): VigieConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.VIGIE_CONFIG ?? (existsSync('vigie.yaml') ? 'vigie.yaml' : undefined);
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new VigieError('CONFIG_INVALID', `cannot read config file ${file}`, { cause });
    }
    const parsed: unknown = parseYaml(text);
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new VigieError('CONFIG_INVALID', `config file ${file}: expected a YAML mapping at the top, found ${Array.isArray(parsed) ? 'a list' : typeof parsed}`);
      }
      raw = parsed as Record<string, unknown>;
    }
  }
  const known = new Set<string>(['VIGIE_CONFIG']);
  for (const leaf of configLeaves()) {
    known.add(leaf.env);
    const v = env[leaf.env];
    if (v === undefined || v === '') continue;
    setPath(raw, leaf.path, leaf.isArray ? v.split(',').map((s) => s.trim()).filter(Boolean) : v);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('VIGIE_') && !known.has(name) && !name.startsWith('VIGIE_TEST_')) {
      throw new VigieError('CONFIG_INVALID', `unknown environment variable ${name}: expected one of the VIGIE_* names listed by "vigie config env"`);
    }
  }
  for (const [k, v] of Object.entries(options.overrides ?? {})) if (v !== undefined) setPath(raw, k.split('.'), v);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = i.path.join('.');
      const found = i.path.reduce<unknown>((o, p) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[p as string] : undefined), raw);
      const fix = i.code === 'unrecognized_keys' ? `remove ${i.keys.join(', ')} (not a Vigie setting)` : i.message;
      return `${key || '(top)'}${i.path.length ? ` (${envName(i.path.map(String))})` : ''}: found ${JSON.stringify(found)}; ${fix}`;
    });
    throw new VigieError('CONFIG_INVALID', `invalid configuration${file ? ` in ${file}` : ''}:\n  ${lines.join('\n  ')}`, {
      details: { issues: result.error.issues },
    });
  }
  return result.data;
}
