/** What agent protocol handlers receive: config slice, database, ingest pipeline, metrics. */
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import type { Ingestor } from '../../inventory/ingest.js';
import type { ParsePool } from '../../inventory/parse-pool.js';
import type { Metrics } from '../metrics.js';

export interface AgentContext {
  config: Pick<VigieConfig, 'agents' | 'identity' | 'snmp' | 'db'>;
  db: Db;
  ingestor: Ingestor;
  parser: ParsePool;
  metrics: Metrics;
}
