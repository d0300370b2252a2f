/** The scheduled rematch: an asset inventoried in the window gets its findings; nothing to do is a no-op. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import { JOB_REMATCH, matchJobs } from './jobs.js';

for (const dialect of testDialects()) {
  describe(`rematch job on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    before(async () => {
      t = await createTestDb(dialect);
    });
    after(async () => t?.drop());

    test('registers one schedule and runs on an empty fleet without error', async () => {
      const jobs = matchJobs(t.db);
      assert.deepEqual(jobs.schedules.map((s) => s.job), [JOB_REMATCH]);
      const handler = jobs.handlers.find((h) => h.name === JOB_REMATCH)!;
      await handler.run({ slot: new Date().toISOString() }, {} as never);
      const n = await t.db.kysely.selectFrom('findings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 0);
    });
  });
}
