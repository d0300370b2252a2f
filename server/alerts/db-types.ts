/** Row type of the alert channels stored from the UI (migration 202611291600-alert-channels), merged into db/types.ts. */
import type { ColumnType, Generated } from 'kysely';

type Ts = ColumnType<string, string, string>;

export interface AlertChannelsTable {
  id: Generated<number>;
  name: string;
  type: string;
  settings: string;
  secrets: string | null;
  digest: ColumnType<number, number | undefined, number>;
  rules: ColumnType<string, string | undefined, string>;
  created_by: string | null;
  created_at: Ts;
  updated_at: Ts;
}
