/**
 * Database side of a match run (the matcher itself is pure, server/matcher/pipeline.ts): reads assets, their
 * software and the KB slices a run needs (vulnerability_rules, distro_fixes, package_sources — tables of the KB
 * migration 202611290500-create-kb), and writes findings. IN-lists are chunked so both dialects stay under their
 * bind-parameter limits.
 */
import type { Kysely, Selectable } from 'kysely';
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

export async function loadSoftware(db: DB, assetIds: readonly number[]) {
  const rows: { id: number; asset_id: number; name: string; version: string | null; publisher: string | null; arch: string | null; origin: string; source_package: string | null; source_version: string | null; extra: string }[] = [];
  for (const c of chunks(assetIds)) {
    const part = await db
      .selectFrom('asset_software')
      .select(['id', 'asset_id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', 'extra'])
      .where('asset_id', 'in', c)
      .execute();
    for (const r of part) rows.push({ ...r, id: Number(r.id), asset_id: Number(r.asset_id) });
  }
  return rows;
}

export async function loadStoredFindings(db: DB, assetIds: readonly number[]) {
  const rows: { id: number; asset_id: number; vulnerability_id: string; software_name: string; status: string; software_version: string | null; matcher: string; confidence: number; fixed_version: string | null; evidence: string }[] = [];
  for (const c of chunks(assetIds)) {
    const part = await db
      .selectFrom('findings')
      .select(['id', 'asset_id', 'vulnerability_id', 'software_name', 'status', 'software_version', 'matcher', 'confidence', 'fixed_version', 'evidence'])
      .where('asset_id', 'in', c)
      .execute();
    for (const r of part) rows.push({ ...r, id: Number(r.id), asset_id: Number(r.asset_id) });
  }
  return rows;
}

/**
 * findings.vulnerability_id references vulnerabilities: a CVE known only from a distro tracker gets a stub row
 * (the KB fills title and scores when it imports the CVE). Returns the ids that are withdrawn.
 */
export async function ensureVulnerabilities(db: DB, ids: readonly string[], now: string): Promise<Set<string>> {
  const withdrawn = new Set<string>();
  const present = new Set<string>();
  for (const c of chunks([...new Set(ids)])) {
    for (const r of await db.selectFrom('vulnerabilities').select(['id', 'withdrawn']).where('id', 'in', c).execute()) {
      present.add(r.id);
      if (r.withdrawn) withdrawn.add(r.id);
    }
  }
  const missing = [...new Set(ids)].filter((id) => !present.has(id));
  for (const c of chunks(missing, 200)) {
    await db
      .insertInto('vulnerabilities')
      .values(c.map((id) => ({ id, title: null, description: null, kev: 0, withdrawn: 0, data: JSON.stringify({ stub: 'created by the matcher; filled by the next KB import' }), updated_at: now })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  return withdrawn;
}

export interface FindingRowWrite {
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
  matcher: string;
  confidence: number;
  fixed_version: string | null;
  status: string;
  evidence: string;
}

/** Applies one batch of finding writes in one transaction. */
export async function writeFindings(
  db: DB,
  w: { inserts: FindingRowWrite[]; updates: (Omit<FindingRowWrite, 'asset_id' | 'vulnerability_id' | 'software_name'> & { id: number; reopened: boolean })[]; fixed: number[]; withdrawn: number[]; seen?: number[] },
  now: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const c of chunks(w.inserts, 200)) {
      await trx.insertInto('findings').values(c.map((r) => ({ ...r, first_seen_at: now, last_seen_at: now, resolved_at: null }))).execute();
    }
    for (const u of w.updates) {
      const { id, reopened, ...set } = u;
      await trx
        .updateTable('findings')
        .set({ ...set, last_seen_at: now, ...(reopened || set.status === 'open' ? { resolved_at: null } : {}), ...(set.status === 'withdrawn' ? { resolved_at: now } : {}) })
        .where('id', '=', id)
        .execute();
    }
    // Unchanged findings only get their last_seen_at: one statement per chunk instead of one per finding.
    for (const c of chunks(w.seen ?? [])) await trx.updateTable('findings').set({ last_seen_at: now }).where('id', 'in', c).execute();
    for (const c of chunks(w.fixed)) await trx.updateTable('findings').set({ status: 'fixed', resolved_at: now }).where('id', 'in', c).execute();
    for (const c of chunks(w.withdrawn)) await trx.updateTable('findings').set({ status: 'withdrawn', resolved_at: now }).where('id', 'in', c).execute();
  });
}
