/**
 * NVD CPE range matcher: a software identity (vendor:product + version) against vulnerability_rules, with NVD
 * semantics — the four range bounds, exact versions compared by version scheme (never by string prefix, so `1.1`
 * does not match `1.1.1k`), ANY/NA attributes, target_sw as a platform requirement, and AND configurations
 * ("app running on platform") turned into a PlatformRequirement that run.ts checks against each asset.
 */
import { isVigieError } from '../../common/errors.js';
import { ANY, NA, cpeMatches, cpeOf, formatCpe, literal, parseCpe, type Cpe } from '../cpe/name.js';
import type { CpeIdentity } from '../cpe/resolve.js';
import { generic } from '../versions/generic.js';
import { compareStrict, versionSchemes } from '../versions/index.js';
import type { VersionScheme } from '../versions/types.js';
import type { Candidate, KbRule, MatchItem, MatchOutput, MatchProblem, Matcher, MatcherKb, PlatformRequirement } from './types.js';

export interface RuleVerdict {
  matched: boolean;
  comparator: string;
  range: string | null;
  /** "all versions" rules (no bound, version *) are weaker evidence than a range. */
  weight: number;
  problem?: MatchProblem;
}

const parsedCache = new Map<string, Cpe | null>();
export function parseCriteria(criteria: string): Cpe | null {
  let c = parsedCache.get(criteria);
  if (c === undefined) {
    try {
      c = parseCpe(criteria);
    } catch {
      c = null;
    }
    if (parsedCache.size > 200_000) parsedCache.clear();
    parsedCache.set(criteria, c);
  }
  return c;
}

export function rangeText(r: Pick<KbRule, 'version_start' | 'start_inclusive' | 'version_end' | 'end_inclusive'>): string {
  const lo = r.version_start ? `${r.version_start} ${r.start_inclusive ? '≤' : '<'} ` : '';
  const hi = r.version_end ? ` ${r.end_inclusive ? '≤' : '<'} ${r.version_end}` : '';
  return `${lo}v${hi}`;
}

/** Does one rule hold for this identity and version? Attributes other than version come from the criteria. */
export function evaluateRule(rule: KbRule, id: { part: string; vendor: string; product: string; version: string | null }, scheme: VersionScheme, versionOf: (v: string) => string = (v) => v): RuleVerdict {
  const crit = parseCriteria(rule.criteria);
  const ref = `${rule.vulnerability_id} rule ${rule.id}`;
  if (!crit) return { matched: false, comparator: 'invalid criteria', range: null, weight: 0, problem: { ref, code: 'CPE_INVALID', message: `expected a CPE 2.3 criteria, found ${rule.criteria.slice(0, 100)}` } };
  const target = cpeOf(id.part, id.vendor, id.product);
  // The asset's update/edition/language are unknown (ANY). NVD's "no update" (NA) is accepted for an unknown update;
  // a specific update (`sp2`, `update_3`, `beta`) is not, since we cannot tell which one is installed.
  const skip = ['version', 'targetSw', 'targetHw'] as const;
  const relaxed: Cpe = { ...crit, update: crit.update === NA ? ANY : crit.update, edition: crit.edition === NA ? ANY : crit.edition };
  if (!cpeMatches(relaxed, target, skip)) return { matched: false, comparator: 'different product or qualifier', range: null, weight: 0 };
  if (!id.version) return { matched: false, comparator: 'no installed version', range: null, weight: 0 };
  const installed = versionOf(id.version);
  try {
    if (rule.version_start || rule.version_end) {
      if (rule.version_start) {
        const c = compareStrict(scheme, installed, versionOf(rule.version_start));
        if (rule.start_inclusive ? c < 0 : c <= 0) return { matched: false, comparator: 'range', range: rangeText(rule), weight: 1 };
      }
      if (rule.version_end) {
        const c = compareStrict(scheme, installed, versionOf(rule.version_end));
        if (rule.end_inclusive ? c > 0 : c >= 0) return { matched: false, comparator: 'range', range: rangeText(rule), weight: 1 };
      }
      return { matched: true, comparator: 'range', range: rangeText(rule), weight: 1 };
    }
    // The KB may store NVD's NA version ("-") as version_exact; it means "no version", not a version to compare.
    const exact = rule.version_exact === NA ? null : (rule.version_exact ?? (crit.version !== ANY && crit.version !== NA ? literal(crit.version) : null));
    if (exact) {
      const c = compareStrict(scheme, installed, versionOf(exact));
      return { matched: c === 0, comparator: 'exact', range: `= ${exact}`, weight: 1 };
    }
    if (crit.version === NA || rule.version_exact === NA) return { matched: false, comparator: 'version NA', range: '-', weight: 0 };
    return { matched: true, comparator: 'all versions', range: '*', weight: 0.7 };
  } catch (e) {
    if (!isVigieError(e)) throw e;
    return { matched: false, comparator: 'unparsable', range: rangeText(rule), weight: 0, problem: { ref, code: 'VERSION_UNPARSABLE', message: e.message } };
  }
}

function requirementOf(rule: KbRule, crit: Cpe, kb: MatcherKb): PlatformRequirement | null {
  const req: PlatformRequirement = { configId: rule.config_id, anyOf: [], noneOf: [] };
  if (rule.config_id) {
    for (const p of kb.configRules(rule.config_id)) {
      if (p.vulnerable) continue;
      const entry = {
        ruleId: p.id, criteria: p.criteria, part: p.part, vendor: literal(p.vendor), product: literal(p.product), versionExact: p.version_exact,
        versionStart: p.version_start, startInclusive: !!p.start_inclusive, versionEnd: p.version_end, endInclusive: !!p.end_inclusive,
      };
      (p.negate ? req.noneOf : req.anyOf).push(entry);
    }
  }
  // target_sw names the platform a product is built for (a WordPress plugin, an Android app): the asset must have it.
  if (crit.targetSw !== ANY && crit.targetSw !== NA) {
    const t = literal(crit.targetSw);
    req.anyOf.push({ ruleId: null, criteria: `target_sw=${t}`, part: '*', vendor: '*', product: t, versionExact: null, versionStart: null, startInclusive: true, versionEnd: null, endInclusive: true });
  }
  return req.anyOf.length || req.noneOf.length ? req : null;
}

export function schemeFor(rule: KbRule, fallback: VersionScheme): VersionScheme {
  return (rule.version_scheme && versionSchemes.get(rule.version_scheme)) || fallback;
}

/** Shared by cpe-range and firmware: every vulnerable rule naming the identity's product, evaluated. */
export function matchCpeRules(
  matcherId: string,
  item: MatchItem,
  identity: CpeIdentity,
  kb: MatcherKb,
  opts: { scheme: VersionScheme; versionOf?: (v: string) => string; confidenceFactor?: number; reasonPrefix?: string },
): MatchOutput {
  const out: MatchOutput = { candidates: [], problems: [], exclusive: false };
  const best = new Map<string, Candidate>();
  const cpe = formatCpe(cpeOf(identity.part, identity.vendor, identity.product, identity.version));
  for (const rule of kb.rulesFor(identity.vendor, identity.product)) {
    if (!rule.vulnerable || rule.part !== identity.part) continue;
    const scheme = schemeFor(rule, opts.scheme);
    const v = evaluateRule(rule, identity, scheme, opts.versionOf);
    if (v.problem) out.problems.push(v.problem);
    if (!v.matched) continue;
    const crit = parseCriteria(rule.criteria)!;
    const requires = requirementOf(rule, crit, kb);
    const confidence = Math.round(identity.confidence * v.weight * (opts.confidenceFactor ?? 1) * 100) / 100;
    const cand: Candidate = {
      vulnerabilityId: rule.vulnerability_id, matcher: matcherId, confidence, fixedVersion: !rule.end_inclusive && rule.version_end ? rule.version_end : null, requires,
      evidence: {
        inventory: item.software,
        identity: { kind: 'cpe', key: `${identity.part}:${identity.vendor}:${identity.product}@${identity.version ?? ''}`, method: identity.method, confidence: identity.confidence, ref: identity.ref, cpe },
        rule: { source: rule.source, recordId: rule.record_id, revision: rule.record_revision, ruleId: rule.id, criteria: rule.criteria, configId: rule.config_id },
        comparison: { scheme: scheme.id, installed: opts.versionOf ? opts.versionOf(identity.version!) : identity.version!, comparator: v.comparator, range: v.range, fixedVersion: !rule.end_inclusive ? rule.version_end : null },
        verdict: { vulnerable: true, confidence, reason: `${opts.reasonPrefix ?? ''}${identity.version} is in ${v.range ?? 'the listed versions'} of ${rule.criteria}` },
      },
    };
    // One candidate per CVE: an unconditional rule beats one that needs a platform; then the higher confidence.
    const prev = best.get(rule.vulnerability_id);
    if (!prev || (prev.requires && !requires) || (!!prev.requires === !!requires && prev.confidence < confidence)) best.set(rule.vulnerability_id, cand);
  }
  out.candidates = [...best.values()];
  return out;
}

/** The upstream part of a Debian version: no epoch, no revision, no +dfsg-style repack suffix. */
export function upstreamOfDeb(v: string): string {
  return v.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~](dfsg|ds|repack|really).*$/i, '');
}

export const cpeRange: Matcher = {
  id: 'cpe-range',
  appliesTo: (item) => item.cpe !== null && !['firmware', 'os'].includes(item.software.origin),
  match(item, kb) {
    const identity = item.cpe!;
    if (item.software.origin === 'deb') {
      // Reached only when the distro has no record of the package: upstream ranges may ignore backported fixes.
      return matchCpeRules('cpe-range', item, { ...identity, version: identity.version ? upstreamOfDeb(identity.version) : null }, kb, {
        scheme: generic, confidenceFactor: 0.5, reasonPrefix: 'no distro record for this package; upstream version ',
      });
    }
    return matchCpeRules('cpe-range', item, identity, kb, { scheme: generic });
  },
};

