/**
 * The alias catalogue: data/cpe/aliases/<ecosystem>.yaml, name → CPE part:vendor:product corrections kept as data
 * (Syft's candidate_by_package_type.go, as YAML). Each file is validated with zod at load; a bad file is refused
 * with its path and the failing field. Regexes are compiled here, once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigieError } from '../../common/errors.js';

export const ALIASES_DIR = fileURLToPath(new URL('../../data/cpe/aliases/', import.meta.url));

const CpeRef = z.string().regex(/^[aoh]:[^:\s]+:[^:\s]+$/, 'expected part:vendor:product, e.g. a:haxx:curl');
const Regex = z.string().refine((s) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const PatternAlias = z
  .object({
    cpe: CpeRef,
    pattern: Regex.describe('case-insensitive regex on the software name (Windows display name, firmware OS name…)'),
    publisher: Regex.optional().describe('case-insensitive regex the publisher must match, when given'),
    unless: Regex.optional().describe('names matching this regex are not this product (e.g. "Firefox ESR" vs Firefox)'),
    confidence: z.number().min(0).max(1).default(0.9),
    examples: z.array(z.string().min(1)).min(1).describe('real names that must resolve to this cpe (checked in tests)'),
  })
  .strict();

export const AliasFile = z
  .object({
    ecosystem: z.string().regex(/^[a-z0-9-]+$/),
    source: z.string().optional().describe('where the data comes from'),
    confidence: z.number().min(0).max(1).default(0.9).describe('confidence of the exact-name entries in map'),
    map: z.record(z.string(), CpeRef).default({}).describe('exact name (lower-case) → part:vendor:product'),
    aliases: z.array(PatternAlias).default([]),
  })
  .strict();
export type AliasFile = z.infer<typeof AliasFile>;

export interface CompiledAlias {
  cpe: { part: string; vendor: string; product: string };
  pattern: RegExp;
  publisher: RegExp | null;
  unless: RegExp | null;
  confidence: number;
  examples: string[];
  ref: string;
}

export interface AliasCatalogue {
  /** ecosystem → exact name → cpe */
  exact: Map<string, Map<string, { part: string; vendor: string; product: string; confidence: number; ref: string }>>;
  patterns: Map<string, CompiledAlias[]>;
}

const splitRef = (s: string) => {
  const [part, vendor, product] = s.split(':') as [string, string, string];
  return { part, vendor, product };
};

export function compileAliases(files: { path: string; text: string }[]): AliasCatalogue {
  const cat: AliasCatalogue = { exact: new Map(), patterns: new Map() };
  for (const f of files) {
    let raw: unknown;
    try {
      raw = parseYaml(f.text);
    } catch (e) {
      throw new VigieError('CPE_ALIASES_INVALID', `${f.path}: expected YAML, found a syntax error`, { cause: e });
    }
    const r = AliasFile.safeParse(raw);
    if (!r.success) {
      const first = r.error.issues[0]!;
      throw new VigieError('CPE_ALIASES_INVALID', `${f.path}: ${first.path.join('.')}: ${first.message}`, { details: { issues: r.error.issues.slice(0, 20) } });
    }
    const file = r.data;
    const exact = cat.exact.get(file.ecosystem) ?? new Map();
    for (const [name, ref] of Object.entries(file.map)) exact.set(name.toLowerCase(), { ...splitRef(ref), confidence: file.confidence, ref: `${f.path}#map.${name}` });
    cat.exact.set(file.ecosystem, exact);
    const pats = cat.patterns.get(file.ecosystem) ?? [];
    file.aliases.forEach((a, k) =>
      pats.push({
        cpe: splitRef(a.cpe), pattern: new RegExp(a.pattern, 'i'), publisher: a.publisher ? new RegExp(a.publisher, 'i') : null,
        unless: a.unless ? new RegExp(a.unless, 'i') : null, confidence: a.confidence, examples: a.examples, ref: `${f.path}#aliases.${k}`,
      }),
    );
    cat.patterns.set(file.ecosystem, pats);
  }
  return cat;
}

let shipped: AliasCatalogue | undefined;
/** The catalogue shipped in data/cpe/aliases (plus a user directory, when given), loaded once. */
export function loadAliases(extraDirs: string[] = []): AliasCatalogue {
  if (shipped && extraDirs.length === 0) return shipped;
  const files: { path: string; text: string }[] = [];
  for (const dir of [ALIASES_DIR, ...extraDirs]) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
      files.push({ path: join(dir, name).replace(/^.*?(data\/cpe\/aliases\/)/, '$1'), text: readFileSync(join(dir, name), 'utf8') });
    }
  }
  const cat = compileAliases(files);
  if (extraDirs.length === 0) shipped = cat;
  return cat;
}
