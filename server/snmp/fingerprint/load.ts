/**
 * Loads and validates data/snmp/os/*.yaml and data/snmp/enterprises.yaml (style.md §3.4): zod schema, regexes
 * compiled once here, version scheme ids checked against server/versions. Any invalid file is a
 * SNMP_DEFINITION_INVALID error naming the file and the field, so Vigie refuses to start with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { VigieError } from '../../../common/errors.js';
import { versionSchemes } from '../../versions/index.js';
import { EnterpriseTable, OsDefinition, type Source } from './schema.js';

export const DATA_DIR = fileURLToPath(new URL('../../../data/snmp/', import.meta.url));

export interface StringMatcher {
  test(s: string): boolean;
}

export interface CompiledSource extends Source {
  re: RegExp | null;
}

export interface CompiledMatch {
  oids: string[];
  sysDescr: StringMatcher | null;
  probe: { oid: string; re: RegExp | null } | null;
  except: StringMatcher | null;
  /** Agents' reports only (schema `reportedFirmware` / `reportedModel`). */
  reportedFirmware: StringMatcher | null;
  reportedModel: StringMatcher | null;
}

export interface CompiledDefinition extends OsDefinition {
  file: string;
  compiledMatch: CompiledMatch[];
  compiledExtract: Partial<Record<'version' | 'model' | 'serial' | 'features', CompiledSource[]>>;
  compiledTypes: { type: OsDefinition['type']; sysDescr: StringMatcher | null; oids: string[] }[];
}

export interface FingerprintData {
  definitions: CompiledDefinition[];
  enterprises: Map<string, string>;
  /** Every probe OID, fetched with the system group in the first GET. */
  probeOids: string[];
}

function invalid(file: string, message: string): VigieError {
  return new VigieError('SNMP_DEFINITION_INVALID', `${file}: ${message}`, { details: { file } });
}

function compileRegex(file: string, field: string, src: string): RegExp {
  try {
    return new RegExp(src, 'is');
  } catch (e) {
    throw invalid(file, `${field}: invalid regex ${JSON.stringify(src)} (${(e as Error).message})`);
  }
}

function stringMatcher(file: string, field: string, t: { contains?: string | undefined; regex?: string | undefined } | undefined): StringMatcher | null {
  if (!t) return null;
  if (t.regex !== undefined) return compileRegex(file, field, t.regex);
  const needle = t.contains!.toLowerCase();
  return { test: (s) => s.toLowerCase().includes(needle) };
}

export function compileDefinition(file: string, raw: unknown): CompiledDefinition {
  const parsed = OsDefinition.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw invalid(file, `${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const def = parsed.data;
  if (`${def.id}.yaml` !== file.replace(/^.*\//, '')) throw invalid(file, `id: expected "${file.replace(/^.*\//, '').replace(/\.yaml$/, '')}" (the file name), found "${def.id}"`);
  if (!versionSchemes.get(def.versionScheme)) throw invalid(file, `versionScheme: expected one of ${versionSchemes.ids().join(', ')}, found "${def.versionScheme}"`);
  const compiledExtract: CompiledDefinition['compiledExtract'] = {};
  for (const field of ['version', 'model', 'serial', 'features'] as const) {
    const list = def.extract[field];
    if (!list) continue;
    compiledExtract[field] = list.map((s, k) => {
      const re = s.regex ? compileRegex(file, `extract.${field}.${k}.regex`, s.regex) : null;
      if (re && !s.template && !s.regex!.includes(`(?<${field}>`)) throw invalid(file, `extract.${field}.${k}.regex: name a group (?<${field}>…) or give a template`);
      return { ...s, re };
    });
  }
  return {
    ...def,
    file,
    compiledMatch: def.match.map((m, k) => ({
      oids: m.sysObjectID ?? [],
      sysDescr: stringMatcher(file, `match.${k}.sysDescr`, m.sysDescr),
      probe: m.probe ? { oid: m.probe.oid, re: m.probe.regex ? compileRegex(file, `match.${k}.probe.regex`, m.probe.regex) : null } : null,
      except: stringMatcher(file, `match.${k}.except.sysDescr`, m.except?.sysDescr),
      reportedFirmware: stringMatcher(file, `match.${k}.reportedFirmware`, m.reportedFirmware),
      reportedModel: stringMatcher(file, `match.${k}.reportedModel`, m.reportedModel),
    })),
    compiledExtract,
    compiledTypes: (def.types ?? []).map((t, k) => ({ type: t.type, sysDescr: stringMatcher(file, `types.${k}.sysDescr`, t.sysDescr), oids: t.sysObjectID ?? [] })),
  };
}

export function loadFingerprints(dir = DATA_DIR): FingerprintData {
  const osDir = join(dir, 'os');
  const definitions: CompiledDefinition[] = [];
  for (const f of readdirSync(osDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const path = join(osDir, f);
    let raw: unknown;
    try {
      raw = parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw invalid(path, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
    }
    definitions.push(compileDefinition(path, raw));
  }
  const entPath = join(dir, 'enterprises.yaml');
  const ent = EnterpriseTable.safeParse(parse(readFileSync(entPath, 'utf8')));
  if (!ent.success) throw invalid(entPath, `${ent.error.issues[0]!.path.join('.')}: ${ent.error.issues[0]!.message}`);
  const probeOids = [...new Set(definitions.flatMap((d) => d.compiledMatch.flatMap((m) => (m.probe ? [m.probe.oid] : []))))];
  return { definitions, enterprises: new Map(Object.entries(ent.data)), probeOids };
}

let cached: FingerprintData | null = null;
/** The definitions shipped in data/snmp, loaded once per process. */
export function fingerprints(): FingerprintData {
  cached ??= loadFingerprints();
  return cached;
}
