/** A valid config for tests, built through the real schema (defaults included) with overrides. */
import { configSchema, type VigieConfig } from '../../server/config/schema.js';

export function testConfig(dbUrl: string, patch: { agents?: Partial<VigieConfig['agents']>; supervision?: Partial<VigieConfig['supervision']> } = {}): VigieConfig {
  const base = configSchema.parse({ db: { url: dbUrl }, server: { logLevel: 'silent' } });
  return {
    ...base,
    agents: { ...base.agents, rateLimitPerMinute: 100_000, ...patch.agents },
    supervision: { ...base.supervision, ...patch.supervision },
  };
}
