/**
 * startJobs: the job runner of one `vigie server` node, with the schedules and handlers of every concern
 * that has background work: alerts, KB sync, SNMP scans, rematch, triage expiry.
 */
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import { alertJobs } from '../alerts/service.js';
import { snmpJobs } from '../snmp/jobs.js';
import { kbJobs } from '../kb/jobs.js';
import { matchJobs } from '../matcher/jobs.js';
import { triageJobs } from '../triage/jobs.js';
import { JobQueue, type Clock } from './queue.js';
import { JobRunner, type Logger } from './runner.js';

export const JOB_CLEANUP = 'jobs.cleanup';

export function createJobRunner(db: Db, config: Pick<VigieConfig, 'jobs' | 'alerts' | 'supervision'> & Partial<Pick<VigieConfig, 'snmp' | 'db' | 'identity' | 'agents' | 'kb'>>, options: { log?: Logger; now?: Clock; nodeId?: string } = {}): JobRunner {
  const queue = new JobQueue(db, config.jobs, options.now, options.nodeId);
  const alerts = alertJobs({ db, config, node: queue.nodeId });
  const { snmp: snmpCfg, db: dbCfg, identity, agents } = config;
  const snmp = snmpCfg && dbCfg && identity && agents ? snmpJobs(db, { snmp: snmpCfg, db: dbCfg, identity, agents }) : { schedules: [], handlers: [] };
  const kb = config.kb ? kbJobs(db, config.kb) : { schedules: [], handlers: [] };
  const match = matchJobs(db);
  const triage = triageJobs(db);
  return new JobRunner(queue, config.jobs, {
    schedules: [...alerts.schedules, ...snmp.schedules, ...kb.schedules, ...match.schedules, ...triage.schedules, { job: JOB_CLEANUP, everySeconds: 3600, catchUpSeconds: 3600 }],
    handlers: [...alerts.handlers, ...snmp.handlers, ...kb.handlers, ...match.handlers, ...triage.handlers, { name: JOB_CLEANUP, run: async () => void (await queue.cleanup()) }],
    pollTasks: alerts.pollTasks,
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
