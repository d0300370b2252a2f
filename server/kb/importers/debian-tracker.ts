/**
 * Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json): source package →
 * CVE (or TEMP-…) → `{description, scope, releases: {<codename>: {status: resolved|open|undetermined,
 * fixed_version, urgency, nodsa?, repositories}}}`. Status mapping (tracker semantics, cve-sources.md):
 * resolved with fixed_version "0" = not-affected; urgency end-of-life = end-of-life; open with nodsa
 * (no-dsa / ignored / postponed) = ignored, still vulnerable. The document is one object of ~70 MB: parsed whole.
 */
import type { DistroFixInput, FetchContext, KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function statusOf(r: Obj): DistroFixInput['status'] {
  const status = str(r.status);
  const fixed = str(r.fixed_version);
  if (status === 'resolved') return fixed === '0' ? 'not-affected' : 'resolved';
  if (str(r.urgency) === 'end-of-life') return 'end-of-life';
  if (status === 'undetermined') return 'undetermined';
  if (r.nodsa !== undefined) return 'ignored';
  return 'open';
}

export const debianTracker = {
  id: 'debian-tracker',
  describe: 'Debian security tracker JSON (package → CVE → releases)',
  detect: (head: string) => /^\s*\{\s*"[a-z0-9][a-z0-9+.-]*"\s*:\s*\{\s*"(CVE|TEMP)-/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    const doc = obj(await raw.json());
    for (const [pkg, cves] of Object.entries(doc)) {
      const fixes: DistroFixInput[] = [];
      for (const [cve, entry] of Object.entries(obj(cves))) {
        if (!cve.startsWith('CVE-')) continue; // TEMP-… ids have no CVE to match findings to
        const releases = obj(obj(entry).releases);
        for (const [release, r0] of Object.entries(releases)) {
          const r = obj(r0);
          const fixed = str(r.fixed_version);
          fixes.push({ distro: 'debian', release, package: pkg, vulnerability_id: cve, fixed_version: fixed && fixed !== '0' ? fixed : null, status: statusOf(r), urgency: str(r.urgency), record_id: `${pkg}/${cve}` });
        }
      }
      if (fixes.length) yield { kind: 'distro-fixes', source: 'debian-tracker', mode: 'replace', fixes };
    }
  },
  async fetch(ctx: FetchContext) {
    const body = await ctx.http.get(ctx.config.debianTracker.url, {});
    await ctx.emit(ctx.config.debianTracker.url, body);
    return { ...ctx.state, fetchedAt: ctx.now.toISOString() };
  },
} as const satisfies KbImporter;
