/**
 * Database side of a match run (the matcher itself is pure, server/matcher/pipeline.ts): reads assets, their
 * software and the KB slices a run needs (vulnerability_rules, distro_fixes, package_sources — tables of the KB
 * migration 202611290500-create-kb), and writes findings (evidence documents once each in finding_evidence, per-asset
 * digests in asset_match_state: migration 202611291300-finding-evidence). IN-lists are chunked so both dialects stay under their
 * bind-parameter limits.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BulkInsert } from '../bulk-insert.js';
import type { StoredFinding } from '../../matcher/pipeline.js';
import type { KbDistroFix, KbRule } from '../../matcher/types.js';
import type { Database } from '../types.js';

type DB = Kysely<Database>;

const CHUNK = 500;
function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Which KB tables exist yet (the KB half of issue 8 lands separately; a run without them matches nothing). */
export async function kbTables(db: DB): Promise<{ rules: boolean; fixes: boolean; sources: boolean }> {
  const probe = async (t: 'vulnerability_rules' | 'distro_fixes' | 'package_sources') => {
    try {
      await db.selectFrom(t).select((eb) => eb.lit(1).as('x')).limit(1).execute();
      return true;
    } catch {
      return false;
    }
  };
  return { rules: await probe('vulnerability_rules'), fixes: await probe('distro_fixes'), sources: await probe('package_sources') };
}

export async function loadVocabulary(db: DB): Promise<{ vendor: string; product: string }[]> {
  return db.selectFrom('vulnerability_rules').select(['vendor', 'product']).distinct().execute();
}

export async function loadPackageSources(db: DB, distro: string, release: string, binaries: readonly string[]) {
  const rows: Selectable<Database['package_sources']>[] = [];
  for (const c of chunks([...new Set(binaries)])) {
    rows.push(...(await db.selectFrom('package_sources').selectAll().where('distro', '=', distro).where('release', '=', release).where('binary', 'in', c).execute()));
  }
  return rows;
}

export async function loadDistroFixes(db: DB, distro: string, release: string, packages: readonly string[]): Promise<KbDistroFix[]> {
  const rows: KbDistroFix[] = [];
  for (const c of chunks([...new Set(packages)])) {
    rows.push(
      ...(await db
        .selectFrom('distro_fixes')
        .select(['distro', 'release', 'package', 'vulnerability_id', 'fixed_version', 'status', 'urgency', 'source', 'record_id'])
        .where('distro', '=', distro)
        .where('release', '=', release)
        .where('package', 'in', c)
        .execute()),
    );
  }
  return rows;
}

const RULE_COLUMNS = [
  'id', 'vulnerability_id', 'source', 'record_id', 'record_revision', 'part', 'vendor', 'product', 'criteria', 'version_exact', 'version_start',
  'start_inclusive', 'version_end', 'end_inclusive', 'vulnerable', 'config_id', 'negate', 'version_scheme',
] as const;

/** Rules naming any of these products (vendor and product spelled plain or CPE-escaped), plus their AND partners. */
export async function loadRules(db: DB, products: readonly { vendor: string; product: string }[]): Promise<KbRule[]> {
  const byId = new Map<number, KbRule>();
  const esc = (s: string) => s.replace(/[^a-z0-9._-]/g, (c) => '\\' + c);
  const names = [...new Set(products.flatMap((p) => [p.product, esc(p.product)]))];
  const wanted = new Set(products.flatMap((p) => [`${p.vendor}:${p.product}`, `${esc(p.vendor)}:${esc(p.product)}`]));
  for (const c of chunks(names)) {
    const rows = await db.selectFrom('vulnerability_rules').select(RULE_COLUMNS).where('product', 'in', c).execute();
    for (const r of rows) if (wanted.has(`${r.vendor}:${r.product}`)) byId.set(Number(r.id), { ...r, id: Number(r.id) });
  }
  const configs = [...new Set([...byId.values()].filter((r) => r.config_id && r.vulnerable).map((r) => r.config_id!))];
  for (const c of chunks(configs)) {
    const rows = await db.selectFrom('vulnerability_rules').select(RULE_COLUMNS).where('config_id', 'in', c).execute();
    for (const r of rows) byId.set(Number(r.id), { ...r, id: Number(r.id) });
  }
  return [...byId.values()];
}

export async function loadAssets(db: DB, assetIds?: readonly number[]) {
  let q = db.selectFrom('assets').select(['id', 'os_name', 'os_version', 'os_full_name']).where('status', '!=', 'merged');
  if (assetIds) q = q.where('id', 'in', assetIds.length ? [...assetIds] : [-1]);
  return (await q.orderBy('id').execute()).map((a) => ({ ...a, id: Number(a.id) }));
}

/** A software entry as the matcher reads it; `extra` only where it carries identity (OS/firmware CPE). */
export interface SoftwareFields {
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  source_package: string | null;
  source_version: string | null;
  extra: string | null;
}

export type SoftwareForMatch = SoftwareFields & { asset_id: number };

export async function loadSoftware(db: DB, assetIds: readonly number[]): Promise<SoftwareForMatch[]> {
  const rows: SoftwareForMatch[] = [];
  for (const c of chunks(assetIds)) {
    // Agents' extra JSON (descriptions, comments…) is most of a row's bytes and only OS/firmware rows use it.
    const part = await db
      .selectFrom('asset_software')
      .select(['asset_id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', sql<string | null>`case when origin in ('firmware', 'os') then extra end`.as('extra')])
      .where('asset_id', 'in', c)
      .execute();
    for (const r of part) rows.push(r);
  }
  return rows;
}

/** Whether software is stored as a fleet-wide catalogue and per-asset items (migration 202611291500-normalise-software). */
export async function hasSoftwareCatalogue(db: DB): Promise<boolean> {
  try {
    await db.selectFrom('asset_software_items').select('software_id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

/** Which catalogue entries each asset has: two integers a row, the cheap way to read a whole fleet's software. */
export async function loadSoftwareItems(db: DB, assetIds: readonly number[]): Promise<{ asset_id: number; software_id: number }[]> {
  const rows: { asset_id: number; software_id: number }[] = [];
  for (const c of chunks(assetIds)) for (const r of await db.selectFrom('asset_software_items').select(['asset_id', 'software_id']).where('asset_id', 'in', c).execute()) rows.push(r);
  return rows;
}

/** Catalogue entries by id, as the matcher reads them (see loadSoftware). */
export async function loadCatalogueEntries(db: DB, ids: readonly number[]): Promise<(SoftwareFields & { id: number })[]> {
  const rows: (SoftwareFields & { id: number })[] = [];
  for (const c of chunks(ids)) {
    const part = await db
      .selectFrom('software_catalog')
      .select(['id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', sql<string | null>`case when origin in ('firmware', 'os') then extra end`.as('extra')])
      .where('id', 'in', c)
      .execute();
    for (const r of part) rows.push({ ...r, id: Number(r.id) });
  }
  return rows;
}

/** Stored findings of these assets, compact (the evidence stays in finding_evidence: only its key is compared). */
export async function loadStoredFindings(db: DB, assetIds: readonly number[]): Promise<(StoredFinding & { asset_id: number })[]> {
  const rows: (StoredFinding & { asset_id: number })[] = [];
  for (const c of chunks(assetIds)) {
    const part = await db
      .selectFrom('findings')
      .select(['id', 'asset_id', 'vulnerability_id', 'software_name', 'status', 'software_version', 'software_origin', 'matcher', 'confidence', 'fixed_version', 'evidence_hash'])
      .where('asset_id', 'in', c)
      .execute();
    for (const r of part) rows.push(r);
  }
  return rows;
}

/** Digest of each asset's finding set as last written (asset_match_state). */
export async function loadMatchDigests(db: DB, assetIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const c of chunks(assetIds)) {
    for (const r of await db.selectFrom('asset_match_state').select(['asset_id', 'findings_digest']).where('asset_id', 'in', c).execute()) out.set(Number(r.asset_id), r.findings_digest);
  }
  return out;
}

/**
 * Changes whenever the KB a session cached may have: a source imported or synced (kb_sources), rules or distro
 * fixes added (their ids only grow: the store replaces rules, it never edits them in place).
 */
export async function kbFingerprint(db: DB): Promise<string> {
  const parts: unknown[] = [];
  try {
    parts.push(await db.selectFrom('kb_sources').select(['id', 'last_attempt_at', 'last_success_at', 'records']).orderBy('id').execute());
    parts.push(await db.selectFrom('vulnerability_rules').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst());
    parts.push(await db.selectFrom('distro_fixes').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst());
  } catch {
    parts.push('no-kb');
  }
  return JSON.stringify(parts);
}

export interface VulnerabilityFacts {
  id: string;
  withdrawn: boolean;
  severity: string | null;
  cvss_score: number | null;
  kev: boolean;
  epss: number | null;
}

/** Scores and withdrawn flag of these CVEs (read only: `vigie match <file>` stores nothing). */
export async function vulnerabilityFacts(db: DB, ids: readonly string[]): Promise<Map<string, VulnerabilityFacts>> {
  const out = new Map<string, VulnerabilityFacts>();
  for (const c of chunks([...new Set(ids)])) {
    for (const r of await db.selectFrom('vulnerabilities').select(['id', 'withdrawn', 'severity', 'cvss_score', 'kev', 'epss']).where('id', 'in', c).execute()) {
      out.set(r.id, {
        id: r.id, withdrawn: !!Number(r.withdrawn), severity: r.severity, cvss_score: r.cvss_score === null ? null : Number(r.cvss_score), kev: !!Number(r.kev),
        epss: r.epss === null ? null : Number(r.epss),
      });
    }
  }
  return out;
}

/**
 * findings.vulnerability_id references vulnerabilities: a CVE known only from a distro tracker gets a stub row
 * (the KB fills title and scores when it imports the CVE). Returns the ids that are withdrawn.
 */
export async function ensureVulnerabilities(db: DB, ids: readonly string[], now: string): Promise<Set<string>> {
  const facts = await vulnerabilityFacts(db, ids);
  const withdrawn = new Set([...facts.values()].filter((f) => f.withdrawn).map((f) => f.id));
  const missing = [...new Set(ids)].filter((id) => !facts.has(id));
  for (const c of chunks(missing, 200)) {
    await db
      .insertInto('vulnerabilities')
      .values(c.map((id) => ({ id, title: null, description: null, kev: 0, withdrawn: 0, data: JSON.stringify({ stub: 'created by the matcher; filled by the next KB import' }), updated_at: now })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  return withdrawn;
}

// A type, not an interface: bulk inserts take plain records.
export type FindingRowWrite = {
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
  matcher: string;
  confidence: number;
  fixed_version: string | null;
  status: string;
  evidence_hash: string;
};

export interface FindingBatchWrites {
  /** Complete rows (built once by the caller: a first match inserts ~1,500 per host). */
  inserts: (FindingRowWrite & { evidence: ''; first_seen_at: string; last_seen_at: string; resolved_at: null })[];
  updates: (Omit<FindingRowWrite, 'asset_id' | 'vulnerability_id' | 'software_name'> & { id: number; reopened: boolean })[];
  fixed: number[];
  withdrawn: number[];
  /** Evidence documents not yet known to be stored (inserted unless present). */
  evidence: { hash: string; evidence: string }[];
  /** Every asset of the batch: matched now, with the digest of its current finding set. */
  states: { asset_id: number; findings_digest: string }[];
}

/** PostgreSQL column types of the bulk-inserted rows (everything else is text). */
export const MATCH_BULK_TYPES = { asset_id: 'bigint', confidence: 'double precision', first_seen_at: 'timestamptz', last_seen_at: 'timestamptz', resolved_at: 'timestamptz', created_at: 'timestamptz', matched_at: 'timestamptz' };

/** Applies one batch of finding writes in one transaction; inserts go through the dialect's bulk path. */
export async function writeFindings(db: DB, bulk: BulkInsert, w: FindingBatchWrites, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await bulk(trx, 'finding_evidence', w.evidence.map((e) => ({ hash: e.hash, evidence: e.evidence, created_at: now })), 'on conflict (hash) do nothing');
    await bulk(trx, 'findings', w.inserts);
    for (const u of w.updates) {
      const { id, reopened, ...set } = u;
      await trx
        .updateTable('findings')
        .set({ ...set, evidence: '', last_seen_at: now, ...(reopened || set.status === 'open' ? { resolved_at: null } : {}), ...(set.status === 'withdrawn' ? { resolved_at: now } : {}) })
        .where('id', '=', id)
        .execute();
    }
    for (const c of chunks(w.fixed)) await trx.updateTable('findings').set({ status: 'fixed', resolved_at: now }).where('id', 'in', c).execute();
    for (const c of chunks(w.withdrawn)) await trx.updateTable('findings').set({ status: 'withdrawn', resolved_at: now }).where('id', 'in', c).execute();
    await bulk(trx, 'asset_match_state', w.states.map((s) => ({ ...s, matched_at: now })), 'on conflict (asset_id) do update set matched_at = excluded.matched_at, findings_digest = excluded.findings_digest');
  });
}
