/** Row type of the triage table (migration 202611291200-create-triage), merged into db/types.ts Database. */
import type { ColumnType, Generated } from 'kysely';

type Ts = ColumnType<string, string, string>;
type NullableTs = ColumnType<string | null, string | null | undefined, string | null>;

export interface TriageDecisionsTable {
  id: Generated<number>;
  vulnerability_id: string;
  /** false_positive | accepted_risk | mitigated */
  decision: string;
  justification: string;
  /** null = every asset */
  asset_id: number | null;
  /** null = every software entry carrying the CVE */
  software_name: string | null;
  /** Inclusive bounds compared with the finding's version scheme (deb → dpkg, rpm → rpm, else generic). */
  version_from: string | null;
  version_to: string | null;
  author: string;
  created_at: Ts;
  expires_at: NullableTs;
  revoked_at: NullableTs;
  revoked_by: string | null;
}
