/** An in-memory MatcherKb and MatchItems for matcher unit tests (the pure core never needs a database). */
import { literal } from '../../server/cpe/name.js';
import { loadAliases } from '../../server/cpe/aliases.js';
import { buildVocabulary, platformOf } from '../../server/cpe/resolve.js';
import { buildItem, type IdentityContext } from '../../server/matcher/pipeline.js';
import type { KbDistroFix, KbRule, MatchItem, MatcherKb, SoftwareFacts } from '../../server/matcher/types.js';
import type { Db } from '../../server/db/index.js';
import { ruleRow, type RuleInput } from './kb.js';

export function memoryKb(rules: RuleInput[], fixes: Partial<KbDistroFix>[] = []): MatcherKb & { rules: KbRule[] } {
  const all: KbRule[] = rules.map((r, k) => ({ id: k + 1, ...ruleRow(r) }));
  const fx: KbDistroFix[] = fixes.map((f) => ({ distro: 'debian', release: 'bookworm', package: '', vulnerability_id: '', fixed_version: null, status: 'resolved', urgency: null, source: 'debian-tracker', record_id: null, ...f }));
  return {
    rules: all,
    distroFixes: (d, r, p) => fx.filter((f) => f.distro === d && f.release === r && f.package === p),
    rulesFor: (v, p) => all.filter((r) => literal(r.vendor) === v && literal(r.product) === p),
    configRules: (c) => all.filter((r) => r.config_id === c),
  };
}

export const DEBIAN_12 = { name: 'Debian GNU/Linux 12', version: '12', fullName: 'Debian GNU/Linux 12' };

export function sw(p: Partial<SoftwareFacts> & { name: string }): SoftwareFacts {
  return { version: null, publisher: null, arch: null, origin: 'other', sourcePackage: null, sourceVersion: null, ...p };
}

export function item(s: SoftwareFacts, os: { name: string | null; version: string | null; fullName: string | null } = DEBIAN_12, ctx: Partial<IdentityContext> = {}, vocab: { vendor: string; product: string }[] = []): MatchItem {
  return buildItem(s, platformOf(os), { aliases: loadAliases(), vocab: buildVocabulary(vocab), packageSource: () => null, ...ctx });
}

export interface SoftwareRowInput { name: string; version: string; origin: string; publisher?: string; source_package?: string }

/** Stores an asset with these software rows (through the asset_software view), seen at `seenAt`; returns its id. */
export async function addAsset(db: Db, hostname: string, os: string, software: SoftwareRowInput[], seenAt = '2026-11-29T04:00:00.000Z'): Promise<number> {
  const a = await db.kysely
    .insertInto('assets')
    .values({ hostname, kind: 'computer', source_format: 'test', os_name: os, os_version: null, os_full_name: os, status: 'active', software_count: software.length, first_seen_at: seenAt, last_seen_at: seenAt, updated_at: seenAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(a.id);
  for (const s of software) await db.kysely.insertInto('asset_software').values({ asset_id: id, publisher: null, source_package: null, ...s, extra: '{}' }).execute();
  return id;
}
