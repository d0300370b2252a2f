/**
 * Debian security tracker as OSV (https://ossf.github.io/osv-schema/, osv.dev debian converter): per-CVE records
 * and DSA/DLA/DTSA advisories, ecosystems `Debian:<n>`, packages = SOURCE packages. A `fixed` event gives the
 * fixed version; only `introduced: "0"` = still open (end-of-life / unimportant per ecosystem_specific.urgency).
 * Advisory records only fill gaps (mode 'fill'): the per-CVE records are the tracker's own verdict.
 */
import { jsonDocuments } from '../input.js';
import type { DistroFixInput, KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/** Debian release number → code name (the tracker and package_sources use code names). */
export const DEBIAN_RELEASES: Record<string, string> = {
  '3.0': 'woody', '3.1': 'sarge', '4': 'etch', '4.0': 'etch', '5': 'lenny', '5.0': 'lenny', '6': 'squeeze', '6.0': 'squeeze', '7': 'wheezy', '8': 'jessie',
  '9': 'stretch', '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '14': 'forky',
};

export function osvDebianRecord(doc: Obj, ref: string): KbRecord[] {
  const id = str(doc.id);
  if (!id) return [{ kind: 'problem', ref, code: 'KB_RECORD_INVALID', message: `expected an OSV record with an id, found ${JSON.stringify(doc).slice(0, 80)}` }];
  const advisory = !id.startsWith('CVE-');
  const cves = advisory ? (Array.isArray(doc.related) ? doc.related.filter((r): r is string => typeof r === 'string' && r.startsWith('CVE-')) : []) : [id];
  const fixes: DistroFixInput[] = [];
  for (const a of arr(doc.affected)) {
    const pkg = obj(a.package);
    const eco = str(pkg.ecosystem);
    const m = eco && /^Debian:(.+)$/.exec(eco);
    if (!m) continue; // the osv.dev records also list Alpine, Ubuntu… packages
    const release = DEBIAN_RELEASES[m[1]!] ?? m[1]!;
    const name = str(pkg.name);
    if (!name) continue;
    const events = arr(a.ranges).flatMap((r) => arr(r.events));
    const fixed = events.map((e) => str(e.fixed)).find((x) => x !== null) ?? null;
    const urgency = str(obj(a.ecosystem_specific).urgency);
    const status: DistroFixInput['status'] = fixed === '0' ? 'not-affected' : fixed ? 'resolved' : urgency === 'end-of-life' ? 'end-of-life' : 'open';
    for (const cve of cves) fixes.push({ distro: 'debian', release, package: name, vulnerability_id: cve, fixed_version: fixed && fixed !== '0' ? fixed : null, status, urgency, record_id: id });
  }
  return [{ kind: 'distro-fixes', source: 'debian-osv', mode: advisory ? 'fill' : 'replace', fixes }];
}

export const debianOsv = {
  id: 'debian-osv',
  describe: 'Debian security tracker as OSV (per-CVE records and DSA/DLA/DTSA advisories)',
  detect: (head: string, name: string) => /"schema_version"\s*:/.test(head) && (/"ecosystem"\s*:\s*"Debian:/.test(head) || /debian/i.test(name)),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    for await (const d of jsonDocuments(raw)) {
      if (d.error) yield { kind: 'problem', ref: d.ref, code: 'KB_RECORD_INVALID', message: d.error };
      else yield* osvDebianRecord(obj(d.value), d.ref);
    }
  },
} as const satisfies KbImporter;
