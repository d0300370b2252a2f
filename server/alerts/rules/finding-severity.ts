/** Rule: an open finding whose CVE severity is at least `minSeverity` (low < medium < high < critical). */
import { severityLevels } from '../config.js';
import { openFindingHits } from './findings.js';
import type { RuleKind } from './types.js';

export const findingSeverity: RuleKind<'finding-severity'> = {
  id: 'finding-severity',
  describe: 'new finding with severity ≥ minSeverity',
  evaluate: (db, rule) => openFindingHits(db, (eb) => eb('v.severity', 'in', severityLevels.slice(severityLevels.indexOf(rule.minSeverity))), `severity ≥ ${rule.minSeverity}`),
};
