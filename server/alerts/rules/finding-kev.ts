/** Rule: an open finding whose CVE is in CISA's Known Exploited Vulnerabilities catalog. */
import { openFindingHits } from './findings.js';
import type { RuleKind } from './types.js';

export const findingKev: RuleKind<'finding-kev'> = {
  id: 'finding-kev',
  describe: 'new finding of a known exploited vulnerability (KEV)',
  evaluate: (db) => openFindingHits(db, (eb) => eb('v.kev', '=', 1), 'KEV'),
};
