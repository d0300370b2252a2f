/** What REST routes receive. */
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';

export interface ApiContext {
  config: Pick<VigieConfig, 'supervision' | 'agents'>;
  db: Db;
}
