/** Row types of the SNMP tables (migration 202611291100-create-snmp), merged into db/types.ts Database. */
import type { ColumnType, Generated } from 'kysely';

type Ts = ColumnType<string, string, string>;

export interface SnmpCredentialsTable {
  id: Generated<number>;
  name: string;
  version: string;
  position: ColumnType<number, number | undefined, number>;
  summary: ColumnType<string, string | undefined, string>;
  secret: string;
  created_at: Ts;
  updated_at: Ts;
}

export interface SnmpScansTable {
  id: Generated<number>;
  name: string;
  trigger: string;
  status: string;
  targets: string;
  total: ColumnType<number, number | undefined, number>;
  scanned: ColumnType<number, number | undefined, number>;
  found: ColumnType<number, number | undefined, number>;
  stored: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  problems: ColumnType<string, string | undefined, string>;
  created_at: Ts;
  started_at: ColumnType<string | null, string | null | undefined, string | null>;
  finished_at: ColumnType<string | null, string | null | undefined, string | null>;
}
