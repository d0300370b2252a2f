/**
 * The group commit on every dialect: a failing job is rejected alone while the others of its batch commit (SQLite:
 * its savepoint; PostgreSQL: the batch runs again without it), and on PostgreSQL a deadlock or serialization failure
 * runs the whole batch again instead of failing a job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import { BatchWriter } from './batch-writer.js';

for (const dialect of testDialects()) {
  describe(`group commit on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    before(async () => {
      t = await createTestDb(dialect);
      await sql`create table bw_rows (name text primary key)`.execute(t.db.kysely);
    });
    after(async () => t?.drop());

    const names = async () => (await sql<{ name: string }>`select name from bw_rows order by name`.execute(t.db.kysely)).rows.map((r) => r.name);
    const insert = (name: string) => (trx: Parameters<Parameters<BatchWriter['submit']>[0]>[0]) =>
      sql`insert into bw_rows (name) values (${name})`.execute(trx).then(() => name);

    test('a failing job is rejected alone; the jobs before and after it commit', async () => {
      const writer = new BatchWriter(t.db, 64, 20);
      const first = writer.submit(insert('a'));
      const duplicate = writer.submit(insert('a')); // primary key violation: the database aborts the statement
      const thrown = writer.submit(async (trx) => {
        await insert('ghost')(trx);
        throw new Error('job fails after its write');
      });
      const last = writer.submit(insert('b'));
      assert.deepEqual(await Promise.all([first, last]), ['a', 'b']);
      await assert.rejects(duplicate, (e: { code?: string; message?: string }) => e.code === '23505' || /UNIQUE/.test(e.message ?? ''));
      await assert.rejects(thrown, /job fails after its write/);
      assert.deepEqual(await names(), ['a', 'b'], 'the failed jobs left nothing, the others are committed');
    });

    // SQLite has one writer and savepoints: no deadlock between writers to run again.
    if (dialect === 'postgres') test('a deadlock victim batch runs again as a whole', async () => {
      await sql`delete from bw_rows`.execute(t.db.kysely);
      const writer = new BatchWriter(t.db, 64, 20);
      let attempts = 0;
      const jobs = [
        writer.submit(insert('c')),
        writer.submit(async (trx) => {
          await insert('d')(trx);
          if (attempts++ === 0) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
          return 'd';
        }),
        writer.submit(insert('e')),
      ];
      assert.deepEqual(await Promise.all(jobs), ['c', 'd', 'e']);
      assert.equal(attempts, 2);
      assert.deepEqual(await names(), ['c', 'd', 'e']);
    });
  });
}
