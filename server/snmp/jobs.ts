/**
 * Scheduled SNMP scans (config snmp.scans): one cron schedule per scan, queued once per slot across nodes by the
 * job runner (server/jobs), each run recorded in snmp_scans like an on-demand scan.
 */
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import { Ingestor } from '../inventory/ingest.js';
import type { JobHandler, Schedule } from '../jobs/runner.js';
import { createScan, runScan } from './scan.js';

export const JOB_SNMP_SCAN = 'snmp.scan';

export function snmpJobs(db: Db, config: Pick<VigieConfig, 'snmp' | 'db' | 'identity' | 'agents'>): { schedules: Schedule[]; handlers: JobHandler[] } {
  const scans = config.snmp.scans;
  if (!scans.length) return { schedules: [], handlers: [] };
  const ingestor = new Ingestor(db, config);
  return {
    schedules: scans.map((s) => ({ job: `${JOB_SNMP_SCAN}:${s.name}`, cron: s.schedule, ...(s.timezone ? { timezone: s.timezone } : {}), catchUpSeconds: 3600 })),
    handlers: scans.map((s) => ({
      name: `${JOB_SNMP_SCAN}:${s.name}`,
      async run() {
        const req = { name: s.name, trigger: 'schedule' as const, targets: s.targets, credentials: s.credentials, concurrency: s.concurrency };
        await runScan({ db, config, ingestor }, await createScan(db, req), req);
      },
    })),
  };
}
