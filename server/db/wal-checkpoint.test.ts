/** The WAL checkpoint thread: it copies committed frames back while the main connection keeps writing, and hands the automatic checkpoint back when stopped. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { createTestDb } from '../../test/helpers/db.js';
import { WalCheckpointer } from './wal-checkpoint.js';

test('checkpoints run in their own thread; stop restores the automatic checkpoint', async () => {
  const t = await createTestDb('sqlite');
  try {
    const s = t.db.sqlite!;
    const errors: string[] = [];
    const cp = WalCheckpointer.start(t.db, 50, (m) => errors.push(m));
    assert.ok(cp, 'expected a checkpointer for a SQLite file');
    assert.equal(s.pragma('wal_autocheckpoint', { simple: true }), 40_000);
    s.exec('create table t (x blob)');
    const add = s.prepare('insert into t values (?)');
    s.transaction(() => {
      for (let i = 0; i < 500; i++) add.run(Buffer.alloc(4000));
    })();
    // The rows reach the database file only by a checkpoint, and the main connection's threshold (40,000 pages)
    // is far away: the file growing means the thread checkpointed.
    const file = t.url.slice('sqlite:'.length);
    for (let i = 0; i < 100 && statSync(file).size < 500 * 4000; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(file).size >= 500 * 4000, `expected the rows checkpointed into ${file}, found ${statSync(file).size} bytes`);
    await cp.stop();
    assert.equal(s.pragma('wal_autocheckpoint', { simple: true }), 10_000);
    assert.deepEqual(errors, []);
    assert.equal(s.prepare('select count(*) from t').pluck().get(), 500);
  } finally {
    await t.drop();
  }
});

test('no thread for PostgreSQL or in-memory SQLite', async () => {
  const { openDatabase } = await import('./index.js');
  const mem = openDatabase('sqlite::memory:');
  assert.equal(WalCheckpointer.start(mem), null);
  await mem.close();
});
