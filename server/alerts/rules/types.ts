/**
 * Contract of an alert rule kind: given its config, return what currently matches (one hit per subject).
 * The evaluator diffs hits against alert_states, so a subject alerts once, and again only after it resolved.
 *
 * @example
 * export const diskUsage: RuleKind<'disk-usage'> = { id: 'disk-usage', async evaluate(db, rule, now) { return [...] } };
 */
import type { Db } from '../../db/index.js';
import type { RuleConfig } from '../config.js';
import type { Severity } from '../types.js';

export interface RuleHit {
  /** Subject of the alert inside its rule: `<asset>:<CVE>`, `<asset>:<mount>`, `kb:<source>`. */
  dedupKey: string;
  assetId: number | null;
  vulnerabilityId: string | null;
  severity: Severity;
  /** One line, in the language-neutral form "host: what" (CVE ids, numbers, names). */
  text: string;
  fields: Record<string, string | number | boolean | null>;
}

export interface RuleKind<T extends RuleConfig['type']> {
  id: T;
  describe: string;
  evaluate(db: Db, rule: Extract<RuleConfig, { type: T }>, now: Date): Promise<RuleHit[]>;
}
