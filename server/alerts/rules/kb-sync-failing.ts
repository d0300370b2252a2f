/** Rule: a knowledge-base source (kb_sources, issue 8) without a successful sync for `hours` hours. */
import { kbFreshness } from '../digest/data.js';
import type { RuleKind } from './types.js';

export const kbSyncFailing: RuleKind<'kb-sync-failing'> = {
  id: 'kb-sync-failing',
  describe: 'knowledge-base sync failing for N hours',
  async evaluate(db, rule, now) {
    const kb = await kbFreshness(db, now, rule.hours);
    return kb.sources
      .filter((s) => s.stale)
      .map((s) => ({
        dedupKey: `kb:${s.id}`, assetId: null, vulnerabilityId: null, severity: 'warning' as const,
        text: `knowledge base ${s.id}: no successful sync since ${s.lastSuccessAt ?? 'ever'} (> ${rule.hours} h)${s.lastError ? `: ${s.lastError}` : ''}`,
        fields: { source: s.id, lastSuccessAt: s.lastSuccessAt, lastError: s.lastError, hours: rule.hours },
      }));
  },
};
