/**
 * Distro tracker matcher (Debian): the installed version against the security tracker's verdict for that release
 * and SOURCE package, ordered with dpkg. Backport-aware by construction: Debian's fixed version is the patched
 * package (`3.0.11-1~deb12u2`), not the upstream release, so a backported fix is never reported as vulnerable.
 * When the tracker has any record for the package in that release, the verdict is the distro's alone (exclusive):
 * upstream CPE ranges are not consulted (the Wazuh false-positive class).
 */
import { dpkg } from '../versions/dpkg.js';
import { compareStrict } from '../versions/index.js';
import { isVigieError } from '../../common/errors.js';
import type { Candidate, Evidence, MatchItem, MatchOutput, Matcher } from './types.js';

/** Tracker statuses that still leave the package vulnerable, with the confidence and the wording of the verdict. */
const OPEN_STATUSES: Record<string, { confidence: number; reason: string }> = {
  open: { confidence: 1, reason: 'the tracker lists the package as unfixed in this release' },
  ignored: { confidence: 1, reason: 'unfixed in this release; Debian does not plan a fix (no-dsa / ignored / postponed)' },
  'end-of-life': { confidence: 0.9, reason: 'this release no longer gets security support for the package (end-of-life)' },
  undetermined: { confidence: 0.5, reason: 'the tracker has not determined whether this release is affected' },
};

export const distro: Matcher = {
  id: 'distro',
  appliesTo: (item) => item.distro !== null,
  match(item: MatchItem, kb): MatchOutput {
    const d = item.distro!;
    const rows = kb.distroFixes(d.distro, d.release, d.sourcePackage);
    const out: MatchOutput = { candidates: [], problems: [], exclusive: rows.length > 0 };
    const identity: Evidence['identity'] = {
      kind: 'distro', key: `deb:${d.distro}:${d.release}/${d.sourcePackage}@${d.version}`, method: d.method, confidence: d.confidence, ref: null,
      distro: d.distro, release: d.release, sourcePackage: d.sourcePackage,
    };
    for (const r of rows) {
      const rule: Evidence['rule'] = { source: r.source, recordId: r.record_id, revision: null, status: r.status, urgency: r.urgency };
      let cand: Omit<Candidate, 'evidence'> & { comparison: Evidence['comparison']; reason: string } | null = null;
      if (r.status === 'resolved' && r.fixed_version) {
        // Fixed version "0" is the tracker's way to say "never affected in this release".
        if (r.fixed_version === '0') continue;
        let cmp: number;
        try {
          cmp = compareStrict(dpkg, d.version, r.fixed_version);
        } catch (e) {
          if (!isVigieError(e)) throw e;
          out.problems.push({ ref: `${identity.key} ${r.vulnerability_id}`, code: 'VERSION_UNPARSABLE', message: e.message });
          continue;
        }
        if (cmp >= 0) continue;
        cand = {
          vulnerabilityId: r.vulnerability_id, matcher: 'distro', confidence: d.confidence, fixedVersion: r.fixed_version, requires: null,
          comparison: { scheme: 'dpkg', installed: d.version, comparator: 'installed < fixed', range: `< ${r.fixed_version}`, fixedVersion: r.fixed_version },
          reason: `installed ${d.version} sorts before Debian's fixed version ${r.fixed_version} in ${d.release} (dpkg order)`,
        };
      } else if (OPEN_STATUSES[r.status]) {
        const s = OPEN_STATUSES[r.status]!;
        cand = {
          vulnerabilityId: r.vulnerability_id, matcher: 'distro', confidence: Math.min(d.confidence, s.confidence), fixedVersion: null, requires: null,
          comparison: { scheme: 'dpkg', installed: d.version, comparator: `status ${r.status}`, range: null, fixedVersion: null },
          reason: s.reason,
        };
      }
      // not-affected, and resolved rows without a version, produce nothing.
      if (!cand) continue;
      const { comparison, reason, ...c } = cand;
      out.candidates.push({ ...c, evidence: { inventory: item.software, identity, rule, comparison, verdict: { vulnerable: true, confidence: c.confidence, reason } } });
    }
    return out;
  },
};
