/**
 * Which triage decision governs a finding: pure functions over decision and finding values (no I/O).
 * A decision covers a finding when the CVE matches and the finding lies inside the decision's scope (asset, software
 * name, inclusive version range compared with the finding's scheme: deb → dpkg, rpm → rpm, else generic). Among
 * the live decisions that cover it, the most specific wins: one asset before all assets, a named software before
 * any, a bounded range before a half-open one before none, then the narrower range, then the newest decision.
 */
import { schemeForOrigin } from '../versions/index.js';
import type { VersionScheme } from '../versions/types.js';

export interface DecisionScope {
  id: number;
  vulnerability_id: string;
  asset_id: number | null;
  software_name: string | null;
  version_from: string | null;
  version_to: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface FindingFacts {
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
}

/** Not revoked and not expired at `now` (ISO-8601 UTC, compared as instants). */
export function isLive(d: Pick<DecisionScope, 'expires_at' | 'revoked_at'>, now: string): boolean {
  return d.revoked_at === null && (d.expires_at === null || Date.parse(d.expires_at) > Date.parse(now));
}

export function schemeOf(f: Pick<FindingFacts, 'software_origin'>): VersionScheme {
  return schemeForOrigin(f.software_origin ?? '');
}

/** A version the scheme cannot read is never inside a range: the decision does not silently hide it. */
function inRange(scheme: VersionScheme, version: string | null, from: string | null, to: string | null): boolean {
  if (from === null && to === null) return true;
  if (version === null || !version.trim() || (scheme.valid && !scheme.valid(version))) return false;
  if (from !== null && scheme.compare(version, from) < 0) return false;
  if (to !== null && scheme.compare(version, to) > 0) return false;
  return true;
}

export function covers(d: DecisionScope, f: FindingFacts): boolean {
  if (d.vulnerability_id !== f.vulnerability_id) return false;
  if (d.asset_id !== null && d.asset_id !== f.asset_id) return false;
  if (d.software_name !== null && d.software_name !== f.software_name) return false;
  return inRange(schemeOf(f), f.software_version, d.version_from, d.version_to);
}

const bounds = (d: DecisionScope) => (d.version_from !== null ? 1 : 0) + (d.version_to !== null ? 1 : 0);

/** Total order, most specific first (for one finding, so one scheme). */
function moreSpecific(scheme: VersionScheme) {
  return (a: DecisionScope, b: DecisionScope): number => {
    const byAsset = Number(b.asset_id !== null) - Number(a.asset_id !== null);
    if (byAsset) return byAsset;
    const bySoftware = Number(b.software_name !== null) - Number(a.software_name !== null);
    if (bySoftware) return bySoftware;
    const byBounds = bounds(b) - bounds(a);
    if (byBounds) return byBounds;
    // Both ranges hold the finding's version: the higher lower bound and the lower upper bound are narrower.
    if (a.version_from !== null && b.version_from !== null) {
      const c = scheme.compare(b.version_from, a.version_from);
      if (c) return c;
    }
    if (a.version_to !== null && b.version_to !== null) {
      const c = scheme.compare(a.version_to, b.version_to);
      if (c) return c;
    }
    return Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id;
  };
}

/** The decision that governs the finding among `decisions` (assumed live), or null. */
export function pickDecision<D extends DecisionScope>(decisions: readonly D[], f: FindingFacts): D | null {
  const candidates = decisions.filter((d) => covers(d, f));
  if (candidates.length <= 1) return candidates[0] ?? null;
  return candidates.sort(moreSpecific(schemeOf(f)))[0]!;
}
