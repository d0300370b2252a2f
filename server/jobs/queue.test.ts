/**
 * The job queue on each dialect: keyed enqueue is once-only, claims are exclusive across two pools, failures
 * back off and end in the dead letters, an expired lock is taken over, and schedules queue one job per slot
 * whatever the number of runners.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../db/index.js';
import { createTestDb, dialectSkip, testDialects } from '../../test/helpers/db.js';
import { jobsConfig } from './config.js';
import { JobQueue, backoffSeconds } from './queue.js';
import { JobRunner, latestSlot } from './runner.js';

const cfg = jobsConfig.parse({ backoffBaseSeconds: 10, backoffMaxSeconds: 60, maxAttempts: 3, lockSeconds: 30 });

test('backoff doubles up to its cap; cron slots follow the time zone', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, 10, 60)), [10, 20, 40, 60, 60]);
  // 07:30 Europe/Paris is 06:30Z in winter, 05:30Z in summer.
  assert.equal(latestSlot({ job: 'x', cron: '30 7 * * *', timezone: 'Europe/Paris', catchUpSeconds: 0 }, new Date('2026-11-29T06:30:00Z'))!.toISOString(), '2026-11-29T06:30:00.000Z');
  assert.equal(latestSlot({ job: 'x', cron: '30 7 * * *', timezone: 'Europe/Paris', catchUpSeconds: 0 }, new Date('2026-07-01T06:00:00Z'))!.toISOString(), '2026-07-01T05:30:00.000Z');
});

for (const dialect of testDialects()) {
  test(`job queue (${dialect})`, async (t) => {
    const skip = await dialectSkip(dialect);
    if (skip) return t.skip(skip);
    const tdb = await createTestDb(dialect);
    const other = openDatabase(tdb.url); // a second pool/connection, as a second node would have
    let clock = Date.parse('2026-11-29T06:00:00Z');
    const now = () => new Date(clock);
    const a = new JobQueue(tdb.db, cfg, now, 'node-a');
    const b = new JobQueue(other, cfg, now, 'node-b');
    try {
      await t.test('a keyed job is queued once, whichever node asks', async () => {
        assert.equal(await a.enqueue('x', { n: 1 }, { key: 'x@1' }), true);
        assert.equal(await b.enqueue('x', { n: 2 }, { key: 'x@1' }), false);
      });
      await t.test('two nodes claiming at once get different jobs', async () => {
        await a.enqueue('x', { n: 3 }, { key: 'x@2' });
        const [ja, jb] = await Promise.all([a.claim(), b.claim()]);
        assert.ok(ja && jb);
        assert.notEqual(ja.id, jb.id);
        assert.equal(await a.claim(), null);
        await a.complete(ja);
        await b.complete(jb);
      });
      await t.test('failures back off, then go to the dead letters', async () => {
        await a.enqueue('y', {}, { key: 'y@1' });
        let job = (await a.claim(['y']))!;
        assert.equal(await a.fail(job, new Error('boom 1')), 'retry');
        assert.equal(await a.claim(['y']), null, 'not before its backoff');
        clock += 10_000;
        job = (await a.claim(['y']))!;
        assert.equal(job.attempts, 2);
        assert.equal(await a.fail(job, new Error('boom 2')), 'retry');
        clock += 20_000;
        job = (await a.claim(['y']))!;
        assert.equal(await a.fail(job, new Error('boom 3')), 'dead');
        clock += 3_600_000;
        assert.equal(await a.claim(['y']), null);
        const dead = await tdb.db.kysely.selectFrom('jobs').selectAll().where('key', '=', 'y@1').executeTakeFirstOrThrow();
        assert.equal(dead.state, 'dead');
        assert.equal(dead.last_error, 'boom 3');
      });
      await t.test('a job whose node died is taken over after its lock expires', async () => {
        await a.enqueue('z', {}, { key: 'z@1' });
        const ja = (await a.claim(['z']))!;
        assert.equal(await b.claim(['z']), null);
        clock += 31_000;
        const jb = (await b.claim(['z']))!;
        assert.equal(jb.id, ja.id);
        await a.complete(ja); // the late node cannot complete a job it no longer holds
        assert.equal((await tdb.db.kysely.selectFrom('jobs').select('state').where('id', '=', ja.id).executeTakeFirstOrThrow()).state, 'running');
        await b.complete(jb);
      });
      await t.test('two runners over 20 slots run each slot once', async () => {
        const ran: string[] = [];
        const handler = { name: 'tick', run: async (p: unknown) => void ran.push((p as { slot: string }).slot) };
        const schedules = [{ job: 'tick', cron: '*/5 * * * *', timezone: 'Europe/Paris', catchUpSeconds: 600 }];
        const ra = new JobRunner(a, cfg, { schedules, handlers: [handler], now });
        const rb = new JobRunner(b, cfg, { schedules, handlers: [handler], now });
        clock = Date.parse('2026-11-30T00:00:00Z');
        for (let i = 0; i < 20; i++) {
          clock += 5 * 60_000;
          await Promise.all([ra.pass(), rb.pass()]);
        }
        assert.equal(ran.length, 20);
        assert.equal(new Set(ran).size, 20);
      });
    } finally {
      await other.close();
      await tdb.drop();
    }
  });
}
