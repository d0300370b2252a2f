/**
 * The Debian security tracker's advisory lists `data/DSA/list` and `data/DLA/list` (text, security-tracker repo):
 * `[29 Mar 2023] DSA-5380-1 xorg-server - security update`, then `\t{CVE-… CVE-…}` and one
 * `\t[bullseye] - <source package> <fixed version>` line per release (`<not-affected>` as the version means
 * not affected). Distro fixes in 'fill' mode: the per-CVE tracker data stays authoritative.
 */
import type { DistroFixInput, KbImporter, KbRecord, RawInput } from '../types.js';

const HEADER = /^\[(\d{1,2} \w{3} \d{4})\] ((?:DSA|DLA|DTSA)-[\w-]+)\s/;
const RELEASE = /^\s+\[([a-z]+)\] - (\S+)\s+(\S+)/; // a few old entries have two spaces
/** Tracker tags in place of a version (security-tracker data/CVE/list conventions). */
const TAGS: Record<string, DistroFixInput['status']> = {
  '<not-affected>': 'not-affected', '<end-of-life>': 'end-of-life', '<no-dsa>': 'ignored', '<ignored>': 'ignored', '<postponed>': 'ignored', '<unfixed>': 'open', '<undetermined>': 'undetermined',
};

export const debianAdvisoryList = {
  id: 'debian-advisory-list',
  describe: 'Debian security tracker DSA/DLA lists (text: data/DSA/list, data/DLA/list)',
  detect: (head: string) => /^\[\d{1,2} \w{3} \d{4}\] (DSA|DLA|DTSA)-\d/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    let id: string | null = null;
    let cves: string[] = [];
    let fixes: DistroFixInput[] = [];
    let n = 0;
    const flush = function* (): Iterable<KbRecord> {
      if (id && fixes.length && cves.length) yield { kind: 'distro-fixes', source: 'debian-advisory-list', mode: 'fill', fixes: cves.flatMap((cve) => fixes.map((f) => ({ ...f, vulnerability_id: cve }))) };
      id = null;
      cves = [];
      fixes = [];
    };
    for await (const line of raw.lines()) {
      n++;
      const h = HEADER.exec(line);
      if (h) {
        yield* flush();
        id = h[2]!;
        continue;
      }
      if (!id || !line.trim() || /^\s+NOTE:/.test(line)) continue;
      const c = /^\s+\{([^}]*)\}/.exec(line);
      if (c) {
        cves = c[1]!.split(/\s+/).filter((x) => /^CVE-\d{4}-\d+$/.test(x));
        continue;
      }
      const r = RELEASE.exec(line);
      if (r) {
        const version = r[3]!.startsWith('<') ? null : r[3]!;
        const status = version ? 'resolved' : (TAGS[r[3]!] ?? 'open');
        fixes.push({ distro: 'debian', release: r[1]!, package: r[2]!, vulnerability_id: '', fixed_version: version, status, urgency: null, record_id: id });
        continue;
      }
      yield { kind: 'problem', ref: `${raw.name}:${n}`, code: 'KB_RECORD_INVALID', message: `expected "{CVE-…}", "[release] - package version" or "NOTE:" under ${id}, found ${JSON.stringify(line.slice(0, 80))}` };
    }
    yield* flush();
  },
} as const satisfies KbImporter;
