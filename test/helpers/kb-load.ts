/**
 * Loads real KB files for matcher end-to-end tests and benches: the KB engineer's importers parse
 * (server/kb/importers; NVD 2.0 through server/kb/nvd-config.ts), and a minimal writer here stores vulnerabilities, rules, distro fixes and package
 * sources (the KB's own store does provenance, raw copies and revisions; none of that matters to matching).
 */
import { readFileSync } from 'node:fs';
import type { Db } from '../../server/db/index.js';
import { rawInput } from '../../server/kb/input.js';
import { rulesFromNvd2 } from '../../server/kb/nvd-config.js';
import type { DistroFixInput, KbImporter, KbRecord, RuleInput } from '../../server/kb/types.js';

export interface LoadFilter {
  /** Keep distro fixes of these releases only (all when absent). */
  releases?: Set<string>;
  /** Keep rules whose vendor:product passes (all when absent). */
  product?: (vendor: string, product: string) => boolean;
}

export async function* recordsOf(importer: KbImporter, files: string[]): AsyncIterable<KbRecord> {
  for (const f of files) yield* importer.parse(rawInput(f, readFileSync(f)));
}

export async function loadKb(db: Db, importer: KbImporter, files: string[], filter: LoadFilter = {}) {
  const k = db.kysely;
  const now = new Date().toISOString();
  const counts = { vulnerabilities: 0, rules: 0, fixes: 0, sources: 0, problems: 0 };
  let rules: (RuleInput & { vulnerability_id: string; source: string; record_id: string; record_revision: string | null; updated_at: string })[] = [];
  let fixes: (DistroFixInput & { source: string; updated_at: string })[] = [];
  let sources: { distro: string; release: string; binary: string; source: string; source_version: string | null; binary_version: string }[] = [];
  let vulns: { id: string; title: string | null; severity: string | null; cvss_score: number | null; cvss_vector: string | null; withdrawn: number; kev: number; data: string; updated_at: string }[] = [];
  const flush = async (force = false) => {
    if (vulns.length && (force || vulns.length >= 200)) {
      await k.insertInto('vulnerabilities').values(vulns).onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ severity: eb.ref('excluded.severity'), cvss_score: eb.ref('excluded.cvss_score'), withdrawn: eb.ref('excluded.withdrawn') }))).execute();
      counts.vulnerabilities += vulns.length;
      vulns = [];
    }
    if (rules.length && (force || rules.length >= 500)) {
      // One NVD record can carry thousands of cpeMatch entries: insert by slices to stay under SQLite's variable cap.
      for (let i = 0; i < rules.length; i += 500) await k.insertInto('vulnerability_rules').values(rules.slice(i, i + 500)).execute();
      counts.rules += rules.length;
      rules = [];
    }
    if (fixes.length && (force || fixes.length >= 500)) {
      await k.insertInto('distro_fixes').values(fixes).onConflict((oc) => oc.columns(['distro', 'release', 'package', 'vulnerability_id']).doNothing()).execute();
      counts.fixes += fixes.length;
      fixes = [];
    }
    if (sources.length && (force || sources.length >= 500)) {
      await k.insertInto('package_sources').values(sources).onConflict((oc) => oc.columns(['distro', 'release', 'binary', 'binary_version']).doNothing()).execute();
      counts.sources += sources.length;
      sources = [];
    }
  };
  const seenVuln = new Set<string>();
  for await (const r of recordsOf(importer, files)) {
    if (r.kind === 'vulnerability') {
      // Highest CVSS version the record has (the KB's own store decides this properly; enough for API filters here).
      const best = [...(r.info.cvss ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0] ?? null;
      if (!seenVuln.has(r.id)) {
        seenVuln.add(r.id);
        vulns.push({ id: r.id, title: r.info.title ?? null, severity: best?.severity?.toLowerCase() ?? null, cvss_score: best?.score ?? null, cvss_vector: best?.vector ?? null, withdrawn: r.info.withdrawn ? 1 : 0, kev: r.info.kev ? 1 : 0, data: '{}', updated_at: now });
      }
      for (const rule of r.rules ?? []) {
        if (filter.product && !filter.product(rule.vendor, rule.product)) continue;
        rules.push({ ...rule, vulnerability_id: r.id, source: r.source, record_id: r.id, record_revision: r.revision, updated_at: now });
      }
    } else if (r.kind === 'distro-fixes') {
      for (const f of r.fixes) if (!filter.releases || filter.releases.has(f.release)) fixes.push({ ...f, source: r.source, updated_at: now });
    } else if (r.kind === 'package-source') {
      if (!filter.releases || filter.releases.has(r.release)) sources.push({ distro: r.distro, release: r.release, binary: r.binary, source: r.source, source_version: r.source_version, binary_version: r.binary_version });
    } else if (r.kind === 'problem') counts.problems++;
    await flush();
  }
  await flush(true);
  return counts;
}

/** NVD CVE API 2.0 documents → vulnerability records with rules (configurations flattened by the KB's nvd-config). */
export const nvd2Files: KbImporter = {
  id: 'nvd',
  describe: 'NVD 2.0 (test loader)',
  detect: () => true,
  async *parse(raw) {
    const doc = (await raw.json()) as { vulnerabilities?: { cve: Record<string, unknown> & { id: string; lastModified?: string; vulnStatus?: string; metrics?: Record<string, { cvssData?: { version?: string; vectorString?: string; baseScore?: number; baseSeverity?: string } ; baseSeverity?: string }[]> } }[] };
    for (const { cve } of doc.vulnerabilities ?? []) {
      const { rules } = rulesFromNvd2(cve.id, cve.configurations);
      const cvss = Object.values(cve.metrics ?? {}).flat().map((m) => ({
        version: (m.cvssData?.version ?? '2.0') as '2.0', vector: m.cvssData?.vectorString ?? '', score: m.cvssData?.baseScore ?? null,
        severity: m.cvssData?.baseSeverity ?? m.baseSeverity ?? null, source: null, type: null,
      }));
      yield { kind: 'vulnerability', source: 'nvd', id: cve.id, revision: cve.lastModified ?? null, info: { withdrawn: cve.vulnStatus === 'Rejected', cvss }, rules };
    }
  },
};

