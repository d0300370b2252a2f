/**
 * Fingerprint engine (style.md §3.4): picks the OS definition by specificity — exact sysObjectID > longer
 * sysObjectID prefix > sysDescr pattern, never by file order — then extracts version/model/serial from the
 * definition's sources (first non-empty wins), normalises the version with the definition's scheme and fills
 * its CPE template. A code profile (server/snmp/profiles) may refine the result where data cannot.
 */
import { versionSchemes } from '../../versions/index.js';
import type { EntityField } from './schema.js';
import type { CompiledDefinition, CompiledSource, FingerprintData } from './load.js';
import type { EntityRow } from '../entity.js';
import { cleanText } from '../sanitise.js';
import type { SnmpSource, SnmpValue } from '../types.js';

export interface SystemFacts {
  sysObjectID: string;
  sysDescr: string;
  /** Probe OIDs fetched with the system group (see schema `probe`). */
  probes: Map<string, SnmpValue>;
}

export interface FingerprintResult {
  osId: string | null;
  vendor: string | null;
  os: string | null;
  type: string;
  version: string | null;
  /** The version as the device spells it, before the scheme normalised it. */
  rawVersion: string | null;
  model: string | null;
  serial: string | null;
  features: string | null;
  versionScheme: string | null;
  cpe: string | null;
  /** Other definitions that matched as specifically as the chosen one (a data bug the tests reject). */
  ambiguousWith: string[];
}

/** What extraction may read: GETs, walks and the entity table, memoised by the caller. */
export interface ExtractContext {
  source: SnmpSource;
  facts: SystemFacts;
  entities(): Promise<EntityRow[]>;
}

function oidUnder(oid: string, prefix: string): boolean {
  return oid === prefix || oid.startsWith(prefix + '.');
}

/**
 * Specificity of one definition against the facts, or null when it does not match. Exact sysObjectID scores
 * above any prefix; longer prefixes (in sub-identifiers) above shorter; OID conditions above sysDescr-only ones;
 * a probe or sysDescr condition added to an OID adds a little, so "same prefix + sysDescr" beats the bare prefix.
 */
export function matchScore(def: CompiledDefinition, facts: SystemFacts): number | null {
  let best: number | null = null;
  for (const m of def.compiledMatch) {
    let score = 0;
    if (m.oids.length) {
      let oidScore = -1;
      for (const o of m.oids) {
        if (facts.sysObjectID === o) oidScore = Math.max(oidScore, 1_000_000);
        else if (oidUnder(facts.sysObjectID, o)) oidScore = Math.max(oidScore, 10_000 + o.split('.').length * 100);
      }
      if (oidScore < 0) continue;
      score += oidScore;
    }
    if (m.sysDescr) {
      if (!m.sysDescr.test(facts.sysDescr)) continue;
      score += 10;
    }
    if (m.probe) {
      const v = facts.probes.get(m.probe.oid);
      if (!v || !v.text || (m.probe.re && !m.probe.re.test(v.text))) continue;
      score += 20;
    }
    if (m.except?.test(facts.sysDescr)) continue;
    score += (def.priority ?? 0) * 1_000_000_0;
    if (best === null || score > best) best = score;
  }
  return best;
}

export function detect(data: FingerprintData, facts: SystemFacts): { def: CompiledDefinition | null; ambiguousWith: string[] } {
  let best: CompiledDefinition | null = null;
  let bestScore = -1;
  let ties: string[] = [];
  for (const def of data.definitions) {
    const s = matchScore(def, facts);
    if (s === null) continue;
    if (s > bestScore) {
      best = def;
      bestScore = s;
      ties = [];
    } else if (s === bestScore) ties.push(def.id);
  }
  return { def: best, ambiguousWith: ties };
}

export function vendorOf(data: FingerprintData, sysObjectID: string): string | null {
  const m = /^1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectID);
  return m ? (data.enterprises.get(m[1]!) ?? null) : null;
}

const PLACEHOLDERS = new Set(['', 'n/a', 'na', 'none', 'unknown', 'not available', 'not specified', 'default string', 'to be filled by o.e.m.', '0', '-', 'null']);

function applyPattern(src: CompiledSource, field: string, text: string): string | null {
  if (!src.re) return text;
  const m = src.re.exec(text);
  if (!m) return null;
  const g = m.groups ?? {};
  if (src.template) {
    let missing = false;
    const out = src.template.replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = g[k];
      if (v === undefined) missing = true;
      return v ?? '';
    });
    return missing ? null : out;
  }
  return g[field] ?? null;
}

async function readSource(src: CompiledSource, field: string, ctx: ExtractContext): Promise<string | null> {
  let candidates: string[] = [];
  if (src.oid) {
    const v = (await ctx.source.get([src.oid])).get(src.oid);
    if (v) candidates = [v.text];
  } else if (src.sysDescr) candidates = [ctx.facts.sysDescr];
  else if (src.entity) {
    const rows = await ctx.entities();
    const f = src.entity as EntityField;
    const ordered = [...rows.filter((r) => r.class === 'chassis'), ...rows.filter((r) => r.class === 'stack'), ...rows.slice(0, 1)];
    candidates = ordered.map((r) => r[f]).filter((x) => x);
  } else if (src.walk) {
    const w = await ctx.source.subtree(src.walk, 5000);
    candidates = [...w.rows.values()].map((v) => v.text);
  } else if (src.sysObjectIDMap) {
    const v = src.sysObjectIDMap[ctx.facts.sysObjectID];
    if (v) candidates = [v];
  } else if (src.value) candidates = [src.value];
  for (const c0 of candidates) {
    // some agents (and recordings) wrap values in literal quotes: "S5328C-EI …", \"4.3.3
    const c = c0.replace(/^\\?"+|"+$/g, '');
    const raw = applyPattern(src, field, c);
    if (raw === null) continue;
    const v = cleanText(raw, 256);
    if (PLACEHOLDERS.has(v.toLowerCase())) continue;
    if (src.ignore?.some((i) => i.toLowerCase() === v.toLowerCase())) continue;
    return v;
  }
  return null;
}

async function firstOf(sources: CompiledSource[] | undefined, field: string, ctx: ExtractContext): Promise<string | null> {
  for (const s of sources ?? []) {
    const v = await readSource(s, field, ctx);
    if (v) return v;
  }
  return null;
}

function cpeValue(v: string): string {
  // CPE 2.3 formatted-string escaping of the characters that are special there (NISTIR 7695 §6.2)
  return v.toLowerCase().replace(/\s+/g, '_').replace(/([\\:*?!"#$%&'()+,/;<=>@[\]^`{|}~])/g, '\\$1');
}

/** The version normalised by the definition's scheme and the definition's CPE filled with it (null without a version). */
export function versionAndCpe(def: CompiledDefinition, rawVersion: string | null, model: string | null): { version: string | null; cpe: string | null } {
  const scheme = versionSchemes.require(def.versionScheme);
  const version = rawVersion ? (scheme.normalise ? scheme.normalise(rawVersion) : rawVersion) : null;
  const cpe = version ? def.cpe.replace('{version}', cpeValue(version)).replace('{model}', cpeValue(model ?? '*')) : null;
  return { version, cpe };
}

export async function fingerprint(data: FingerprintData, ctx: ExtractContext): Promise<FingerprintResult> {
  const { def, ambiguousWith } = detect(data, ctx.facts);
  return extract(data, def, ambiguousWith, ctx);
}

/**
 * What an agent reports of a device (FusionInventory/GLPI SNMPQUERY, NETDISCOVERY): sysDescr and the manufacturer
 * the agent derived from the sysObjectID's enterprise, but never the sysObjectID itself.
 */
export interface ReportedFacts {
  sysDescr: string;
  manufacturer: string | null;
}

/** Company names as agents and our data spell them, reduced to one key per family (HP = Hewlett-Packard = HPE = Compaq). */
const VENDOR_FAMILIES: [RegExp, string][] = [[/^(hewlettpackard|hpe?|compaq|aruba)/, 'hp'], [/^netscreen/, 'juniper']];
function vendorKey(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return VENDOR_FAMILIES.find(([re]) => re.test(n))?.[1] ?? n;
}
const prefixOf = (x: string, y: string): boolean => Math.min(x.length, y.length) >= 2 && (x.startsWith(y) || y.startsWith(x));
/**
 * How well two company names agree: 2 when one starts with the other ("Juniper Networks" / "Juniper", "Aruba" /
 * "Aruba Networks"), 1 when only their families do (Hewlett-Packard / HPE Aruba), 0 otherwise.
 */
function vendorAgreement(a: string, b: string): number {
  if (prefixOf(a.toLowerCase().replace(/[^a-z0-9]/g, ''), b.toLowerCase().replace(/[^a-z0-9]/g, ''))) return 2;
  return prefixOf(vendorKey(a), vendorKey(b)) ? 1 : 0;
}

/**
 * Detection without a sysObjectID. Evidence for a definition: the reported manufacturer is its vendor, or the
 * enterprise of one of its OIDs (data/snmp/enterprises.yaml) — standing in for every OID condition, at the
 * enterprise level only; a sysDescr condition of any of its items holds; its own sysDescr version pattern reads the
 * sysDescr. At least one match item must hold on that evidence (its OID condition by the manufacturer, its sysDescr
 * condition and `except` as usual; probe items never hold, nothing was probed). Scores stay below any real
 * sysObjectID match. Two definitions tied at the best score give no answer (a guess would give a wrong CPE): the
 * caller keeps the agent's own values.
 */
export function detectReported(data: FingerprintData, reported: ReportedFacts): { def: CompiledDefinition | null; ambiguousWith: string[] } {
  const maker = reported.manufacturer ?? '';
  let best: CompiledDefinition | null = null;
  let bestScore = -1;
  let ties: string[] = [];
  for (const def of data.definitions) {
    const enterprises = def.compiledMatch.flatMap((m) => m.oids).map((o) => /^1\.3\.6\.1\.4\.1\.(\d+)/.exec(o)?.[1]).map((e) => (e ? data.enterprises.get(e) : undefined));
    const agreement = maker ? Math.max(0, ...[def.vendor, ...enterprises].map((v) => (v ? vendorAgreement(v, maker) : 0))) : 0;
    const vendorOk = agreement > 0;
    let holds = false;
    let descrOk = false;
    for (const m of def.compiledMatch) {
      if (m.probe || m.except?.test(reported.sysDescr)) continue;
      const descr = m.sysDescr ? m.sysDescr.test(reported.sysDescr) : null;
      if (descr) descrOk = true;
      if ((m.oids.length ? vendorOk : true) && descr !== false) holds = true;
    }
    if (!holds) continue;
    let score = (vendorOk ? 1000 + agreement : 0) + (descrOk ? 10 : 0) + (def.priority ?? 0) * 1_000_000_0;
    // between definitions of one vendor (Junos / ScreenOS), the one whose own version pattern reads this sysDescr
    if (def.compiledExtract.version?.some((src) => src.sysDescr && src.re?.test(reported.sysDescr))) score += 5;
    if (score > bestScore) {
      best = def;
      bestScore = score;
      ties = [];
    } else if (score === bestScore) ties.push(def.id);
  }
  return ties.length ? { def: null, ambiguousWith: best ? [best.id, ...ties] : ties } : { def: best, ambiguousWith: [] };
}

/** Extraction with the definition already chosen (detect or detectReported), through the context's sources. */
export async function extract(data: FingerprintData, def: CompiledDefinition | null, ambiguousWith: string[], ctx: ExtractContext): Promise<FingerprintResult> {
  const entityFallback = async (f: EntityField): Promise<string | null> => {
    const rows = await ctx.entities();
    const r = rows.find((x) => x.class === 'chassis' && x[f]) ?? null;
    const v = r ? cleanText(r[f], 256) : '';
    return v && !PLACEHOLDERS.has(v.toLowerCase()) ? v : null;
  };
  if (!def) {
    return {
      osId: null, vendor: vendorOf(data, ctx.facts.sysObjectID), os: null, type: 'other', version: null, rawVersion: null,
      model: await entityFallback('modelName'), serial: await entityFallback('serial'), features: null, versionScheme: null, cpe: null, ambiguousWith: [],
    };
  }
  const rawVersion = await firstOf(def.compiledExtract.version, 'version', ctx);
  let model = await firstOf(def.compiledExtract.model, 'model', ctx);
  let serial = await firstOf(def.compiledExtract.serial, 'serial', ctx);
  if (def.genericFallback) {
    model ??= await entityFallback('modelName');
    serial ??= await entityFallback('serial');
  }
  const features = await firstOf(def.compiledExtract.features, 'features', ctx);
  const { version, cpe } = versionAndCpe(def, rawVersion, model);
  const type = def.compiledTypes.find((t) => (!t.sysDescr || t.sysDescr.test(ctx.facts.sysDescr)) && (!t.oids.length || t.oids.some((o) => oidUnder(ctx.facts.sysObjectID, o))))?.type ?? def.type;
  return { osId: def.id, vendor: def.vendor, os: def.os, type, version, rawVersion, model, serial, features, versionScheme: def.versionScheme, cpe, ambiguousWith };
}
