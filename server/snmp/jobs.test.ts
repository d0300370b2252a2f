/** Scheduled SNMP scans: one cron schedule and handler per configured scan; none without scans. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { createTestDb } from '../../test/helpers/db.js';
import { JOB_SNMP_SCAN, snmpJobs } from './jobs.js';

test('snmp.scans become job schedules and handlers', async () => {
  const tdb = await createTestDb('sqlite');
  try {
    const none = configSchema.parse({ db: { url: tdb.url } });
    assert.deepEqual(snmpJobs(tdb.db, none), { schedules: [], handlers: [] });
    const cfg = configSchema.parse({ db: { url: tdb.url }, snmp: { scans: [{ name: 'lan', targets: ['127.0.0.0/30'], schedule: '0 2 * * *', timezone: 'Europe/Paris' }] } });
    const jobs = snmpJobs(tdb.db, cfg);
    assert.deepEqual(jobs.schedules, [{ job: `${JOB_SNMP_SCAN}:lan`, cron: '0 2 * * *', timezone: 'Europe/Paris', catchUpSeconds: 3600 }]);
    assert.deepEqual(jobs.handlers.map((h) => h.name), [`${JOB_SNMP_SCAN}:lan`]);
  } finally {
    await tdb.drop();
  }
});
