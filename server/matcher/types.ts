/**
 * Contract of a matcher strategy (style.md §3.3) and the Evidence every finding carries (design.md "Matching":
 * inventory fields seen → identity → rule and source record → comparator and range → verdict). Matchers are pure:
 * they read an in-memory MatcherKb slice prepared by run.ts and return candidates, never touching the database.
 *
 * @example
 *   const out = distro.match(item, kb); // { candidates: [{ vulnerabilityId: 'CVE-2023-5678', … }], problems: [], exclusive: true }
 */
import type { CpeIdentity, PlatformIdentity } from '../cpe/resolve.js';
import type { DistroFixRow, VulnerabilityRuleRow } from '../db/types.js';

/** The inventory fields the matcher saw (copied into the evidence as seen). */
export interface SoftwareFacts {
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  sourcePackage: string | null;
  sourceVersion: string | null;
  /** CPE 2.3 name the collector already knows (SNMP fingerprint definitions put it in extra.cpe). */
  cpe?: string | null;
  /** Version scheme id the collector named (extra.versionScheme), e.g. fortios. */
  versionScheme?: string | null;
}

/** A distro package's ecosystem identity: `deb:debian:bookworm/openssl@3.0.19-1~deb12u2`. */
export interface DistroIdentity {
  distro: 'debian';
  release: string;
  sourcePackage: string;
  /** The version compared with the tracker: the source version when known, else the binary version. */
  version: string;
  /** How the source package was found: the agent said so, the Packages index, or the binary name itself. */
  method: 'agent' | 'packages-index' | 'binary-name';
  confidence: number;
}

/** One unique (identity, version) pair: what the fleet-wide cache is keyed by. */
export interface MatchItem {
  key: string;
  software: SoftwareFacts;
  platform: PlatformIdentity;
  distro: DistroIdentity | null;
  cpe: CpeIdentity | null;
}

/** A row of vulnerability_rules (issue 8 KB contract), as the matcher reads it: derived from the table type. */
export type KbRule = Omit<VulnerabilityRuleRow, 'updated_at'>;

/** A row of distro_fixes: the tracker's verdict for one (release, source package, CVE). */
export type KbDistroFix = Omit<DistroFixRow, 'id' | 'updated_at'>;

export interface MatcherKb {
  /** Every tracker row for the source package in that release; [] when the distro has no record of it. */
  distroFixes(distro: string, release: string, sourcePackage: string): readonly KbDistroFix[];
  /** Rules naming this vendor/product (plain text, lower-case). */
  rulesFor(vendor: string, product: string): readonly KbRule[];
  /** All rules of one NVD configuration (the AND partners of a vulnerable rule). */
  configRules(configId: string): readonly KbRule[];
}

/** A platform the asset must also have for the finding to hold (NVD AND configuration, or target_sw). */
export interface PlatformRequirement {
  configId: string | null;
  /** Any one of these must match something on the asset (its OS or another software identity). */
  anyOf: { ruleId: number | null; criteria: string; part: string; vendor: string; product: string; versionExact: string | null; versionStart: string | null; startInclusive: boolean; versionEnd: string | null; endInclusive: boolean }[];
  /** Rules with negate=1: the finding does not hold if one of these matches. */
  noneOf: PlatformRequirement['anyOf'];
}

export interface Evidence {
  inventory: SoftwareFacts;
  identity: {
    kind: 'distro' | 'cpe';
    key: string;
    method: string;
    confidence: number;
    ref: string | null;
    cpe?: string;
    distro?: string;
    release?: string;
    sourcePackage?: string;
  };
  rule: {
    source: string;
    recordId: string | null;
    revision: string | null;
    ruleId?: number;
    criteria?: string;
    configId?: string | null;
    status?: string;
    urgency?: string | null;
  };
  comparison: { scheme: string; installed: string; comparator: string; range: string | null; fixedVersion: string | null };
  platform?: { required: string[]; matched: string | null };
  verdict: { vulnerable: true; confidence: number; reason: string };
}

export interface Candidate {
  vulnerabilityId: string;
  matcher: string;
  confidence: number;
  fixedVersion: string | null;
  evidence: Evidence;
  requires: PlatformRequirement | null;
}

export interface MatchProblem {
  ref: string;
  code: 'VERSION_UNPARSABLE' | 'CPE_INVALID';
  message: string;
}

export interface MatchOutput {
  candidates: Candidate[];
  problems: MatchProblem[];
  /** True when this matcher had authoritative data for the item (a distro record): later matchers are skipped. */
  exclusive: boolean;
}

export interface Matcher {
  id: string;
  appliesTo(item: MatchItem): boolean;
  match(item: MatchItem, kb: MatcherKb): MatchOutput;
}
