/**
 * Fingerprint engine (style.md §3.4): picks the OS definition by specificity — exact sysObjectID > longer
 * sysObjectID prefix > sysDescr pattern, never by file order — then extracts version/model/serial from the
 * definition's sources (first non-empty wins), normalises the version with the definition's scheme and fills
 * its CPE template. A code profile (server/snmp/profiles) may refine the result where data cannot. Agents' reports,
 * which carry no sysObjectID, are matched by detectReported instead, on evidence that tells one definition of a
 * vendor from another.
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
    // agents' report shapes: a scan has the sysObjectID and sysDescr, which decide on their own
    if (m.reportedFirmware || m.reportedModel) continue;
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
 * What an agent reports of a device (FusionInventory/GLPI SNMPQUERY, NETDISCOVERY, GLPI JSON netinventory): the
 * sysDescr (often missing in GLPI JSON), the manufacturer the agent derived from the sysObjectID's enterprise, its
 * firmware and model strings, but never the sysObjectID itself.
 */
export interface ReportedFacts {
  sysDescr: string;
  manufacturer: string | null;
  /** The agent's firmware (GLPI network_device.firmware, FusionInventory INFO/FIRMWARE or FIRMWARES/VERSION). */
  firmware?: string | null;
  /** The models the agent sent: its own (a sysobject.ids marketing name) and its chassis component's. */
  models?: readonly string[];
}

export interface ReportedDetection {
  def: CompiledDefinition | null;
  /** With no definition: the ones that fitted equally, or that were possible but not told apart. */
  ambiguousWith: string[];
  /** With no definition although some were possible: which, and what evidence was missing (for `problems`). */
  problem: string | null;
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

/** Weights of the evidence for one definition in an agent's report (see detectReported). */
const REPORTED = { vendor: 1000, sysDescr: 10, ownVersion: 5, shape: 3 } as const;

/**
 * Detection without a sysObjectID. The reported manufacturer stands in for every OID condition, at the enterprise
 * level only (the definition's vendor, or the enterprise of one of its OIDs in data/snmp/enterprises.yaml), so it
 * tells vendors apart but never one definition of a vendor from another: Cisco's 9.6.1 (SMB) and 9.1 (IOS) are
 * both just "Cisco" here. Only discriminating evidence picks a definition:
 * - a sysDescr condition of a match item holds (with `except` as usual);
 * - the definition's own sysDescr version pattern reads the sysDescr (Junos / ScreenOS);
 * - a `reportedFirmware` / `reportedModel` item holds on the agent's firmware / models.
 * Without a sysDescr a sysDescr condition is unknown, not false: such an item keeps its definition possible, it does
 * not rule it out, and does not prove it either. Probe items never hold (nothing was probed).
 * The best-scoring proven definition wins; two tied give no answer (a guess would give a wrong CPE). With nothing
 * proven, a definition held by the manufacturer alone is taken only when it is the vendor's only definition
 * (D-Link, Canon); otherwise no definition, and `problem` says which were possible and what was missing, so the
 * caller keeps the agent's own values and builds no CPE. Scores stay below any real sysObjectID match.
 */
export function detectReported(data: FingerprintData, reported: ReportedFacts): ReportedDetection {
  const maker = reported.manufacturer ?? '';
  const descr = reported.sysDescr;
  const hasDescr = descr.trim() !== '';
  const firmware = reported.firmware ?? '';
  const models = (reported.models ?? []).filter((m) => m.trim() !== '');
  const proven: { def: CompiledDefinition; score: number }[] = [];
  /** Definitions held by the manufacturer alone (an OID-only item). */
  const vendorOnly: CompiledDefinition[] = [];
  /** Not ruled out by the report. */
  const possible: string[] = [];
  /** Every definition of the reported vendor, whatever the report says. */
  const family: string[] = [];
  for (const def of data.definitions) {
    const enterprises = def.compiledMatch.flatMap((m) => m.oids).map((o) => /^1\.3\.6\.1\.4\.1\.(\d+)/.exec(o)?.[1]).map((e) => (e ? data.enterprises.get(e) : undefined));
    const agreement = maker ? Math.max(0, ...[def.vendor, ...enterprises].map((v) => (v ? vendorAgreement(v, maker) : 0))) : 0;
    const vendorOk = agreement > 0;
    if (vendorOk) family.push(def.id);
    let bestItem = -1; // evidence of the best fully held item; 0 = held by the manufacturer alone
    let open = false; // an item of this vendor that only the missing sysDescr leaves undecided
    for (const m of def.compiledMatch) {
      if (m.probe || (hasDescr && m.except?.test(descr))) continue;
      if (m.oids.length && !vendorOk) continue;
      let evidence = 0;
      let unknown = false;
      if (m.sysDescr) {
        if (!hasDescr) unknown = true;
        else if (m.sysDescr.test(descr)) evidence += REPORTED.sysDescr;
        else continue;
      }
      if (m.reportedFirmware) {
        if (!firmware || !m.reportedFirmware.test(firmware)) continue;
        evidence += REPORTED.shape;
      }
      if (m.reportedModel) {
        const re = m.reportedModel;
        if (!models.some((x) => re.test(x))) continue;
        evidence += REPORTED.shape;
      }
      if (unknown) {
        // a sysDescr-only item without a sysDescr says nothing of the vendor: it makes no definition possible
        if (m.oids.length) open = true;
      } else bestItem = Math.max(bestItem, evidence);
    }
    if (bestItem < 0 && !open) continue;
    possible.push(def.id);
    // between definitions of one vendor (Junos / ScreenOS), the one whose own version pattern reads this sysDescr
    const ownVersion = hasDescr && bestItem >= 0 && !!def.compiledExtract.version?.some((src) => src.sysDescr && src.re?.test(descr));
    if (bestItem > 0 || ownVersion) {
      const score = (vendorOk ? REPORTED.vendor + agreement : 0) + bestItem + (ownVersion ? REPORTED.ownVersion : 0) + (def.priority ?? 0) * 1_000_000_0;
      proven.push({ def, score });
    } else if (bestItem === 0) vendorOnly.push(def);
  }
  if (proven.length) {
    const top = Math.max(...proven.map((p) => p.score));
    const best = proven.filter((p) => p.score === top).map((p) => p.def);
    if (best.length === 1) return { def: best[0]!, ambiguousWith: [], problem: null };
    const ids = best.map((d) => d.id);
    return { def: null, ambiguousWith: ids, problem: `fingerprint: ${ids.join(', ')} fit the reported ${evidenceNames(hasDescr, firmware, models)} equally; kept the agent's values, no OS and no CPE` };
  }
  // the manufacturer alone: only when it names a single definition (a vendor of one OS family in our data)
  if (vendorOnly.length === 1 && family.length === 1 && family[0] === vendorOnly[0]!.id) return { def: vendorOnly[0]!, ambiguousWith: [], problem: null };
  // nothing proven: what is left possible is the reported vendor's (only OID items stay open without proof)
  if (!possible.length) return { def: null, ambiguousWith: [], problem: null };
  const missing = [
    hasDescr ? 'the sysDescr matches none of their patterns' : 'no sysDescr',
    firmware ? `firmware ${quote(firmware)} fits none of their reportedFirmware patterns` : 'no firmware',
    models.length ? `model ${models.slice(0, 3).map(quote).join(' / ')} fits none of their reportedModel patterns` : 'no model',
  ];
  const what = possible.length > 1 ? `does not tell ${possible.join(', ')} apart` : `does not prove ${possible[0]!}, one of its ${family.length} definitions`;
  return {
    def: null,
    ambiguousWith: possible,
    problem: `fingerprint: the manufacturer ${quote(maker)} alone ${what} (${missing.join('; ')}); kept the agent's model/serial/firmware, no OS and no CPE`,
  };
}

/** A reported value in a problem text, quoted and kept short. */
const quote = (v: string): string => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

function evidenceNames(hasDescr: boolean, firmware: string, models: readonly string[]): string {
  return ['manufacturer', ...(hasDescr ? ['sysDescr'] : []), ...(firmware ? ['firmware'] : []), ...(models.length ? ['model'] : [])].join('/');
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
