/**
 * WAL checkpoints of the server's SQLite database in a thread of their own, so the commit of an ingest batch no
 * longer pays for copying the WAL back into the database file and its fsync (docs/adr/0004-ingest-handoff.md).
 *
 * Why: with SQLite's automatic checkpoint, the commit that crosses `wal_autocheckpoint` pages runs the checkpoint
 * on the committing connection, i.e. on the main thread that also serves HTTP; under `npm run bench -- ingest`
 * commits were ~3 ms of main-thread time per inventory, most of it checkpoints. A PASSIVE checkpoint on another
 * connection runs beside readers and writers; the writer restarts the WAL from its start once a checkpoint has
 * caught up. The main connection keeps an automatic checkpoint at a higher threshold as a safety net (a stuck or
 * crashed thread must not let the WAL grow without bound).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './index.js';

/** Automatic checkpoint threshold of the main connection while the thread runs (pages of 4 KB), and after. */
const FALLBACK_PAGES = 40_000;
const DEFAULT_PAGES = 10_000;

// Plain JavaScript (no TypeScript loader in the thread): open, then checkpoint every interval.
const BODY = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -1024'); // a checkpoint copies WAL frames to the file: it needs no page cache to speak of
const run = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage(String(e && e.message || e)); } };
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); run(); db.close(); parentPort.close(); } });
`;

export class WalCheckpointer {
  private readonly exited: Promise<unknown>;
  private constructor(
    private readonly db: Db,
    private readonly worker: Worker,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** null for PostgreSQL and in-memory SQLite databases (nothing to checkpoint). */
  static start(db: Db, intervalMs = 500, onError: (message: string) => void = () => undefined): WalCheckpointer | null {
    const file = db.sqlite?.name;
    if (db.dialect !== 'sqlite' || !file || file === ':memory:' || db.sqlite!.memory) return null;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // It runs one pragma per interval: a small heap keeps its footprint to the thread and SQLite's page cache.
    const worker = new Worker(BODY, { eval: true, workerData: { driver, file, intervalMs }, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 24 } });
    worker.on('message', (m: string) => onError(`WAL checkpoint failed: ${m}`));
    worker.on('error', (e) => {
      onError(`WAL checkpoint thread failed: ${e.message}`);
      db.sqlite!.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
    });
    worker.unref();
    db.sqlite!.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
    return new WalCheckpointer(db, worker);
  }

  async stop(): Promise<void> {
    this.worker.ref(); // an unref'd worker's exit would not keep the caller's event loop waiting for it
    this.worker.postMessage('stop'); // ignored by a thread that already exited
    await this.exited;
    if (this.db.sqlite!.open) this.db.sqlite!.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  }
}
