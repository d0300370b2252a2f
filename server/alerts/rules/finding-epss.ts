/** Rule: an open finding whose CVE has an EPSS probability of exploitation ≥ minEpss (0–1). */
import { openFindingHits } from './findings.js';
import type { RuleKind } from './types.js';

export const findingEpss: RuleKind<'finding-epss'> = {
  id: 'finding-epss',
  describe: 'new finding with EPSS ≥ minEpss',
  evaluate: (db, rule) => openFindingHits(db, (eb) => eb('v.epss', '>=', rule.minEpss), `EPSS ≥ ${rule.minEpss}`),
};
