/**
 * Group commit: write jobs submitted while a transaction is running are applied together in the next one,
 * and a failing job rolls back alone and rejects only its own promise (SQLite: a savepoint per job; PostgreSQL: the
 * batch runs again without it). A job's promise resolves only after the commit, so an acknowledged inventory is durable.
 *
 * Why: on SQLite one inventory dirties ~900 random pages of the software indexes; committing 16 inventories
 * at once writes each page once instead of 16 times (measured: 43 → 14 ms per first inventory without the
 * index; see docs/adr/0002-group-commit.md). One client alone still gets a transaction of its own.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from './index.js';
import type { Database } from './types.js';

/**
 * Work that jobs leave for the end of their batch: each job fills a part of its own; the parts of the jobs that
 * succeeded are folded together and flushed once, inside the transaction, before the commit. A failed job's part
 * is dropped with its savepoint. (Ingest uses it for software holder bits: repositories/software-holders.ts.)
 */
export interface BatchPart<P> {
  create(): P;
  absorb(batch: P, job: P): void;
  flush(trx: Transaction<Database>, batch: P): Promise<void>;
}

type Job<T, P> = { run: (trx: Transaction<Database>, part: P) => Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };

export class BatchWriter<P = undefined> {
  private queue: Job<unknown, P>[] = [];
  private running = false;

  private scheduled = false;

  /**
   * @param windowMs how long the first job of an idle writer waits for company. better-sqlite3 is synchronous, so
   *   without a window a transaction would start and finish before other requests' jobs even reach the queue.
   *   It was 10 ms, chosen on a slower machine (there, 4 → 10 ms gave 138–182 → 164–204 first inventories/s).
   *   5 ms now: under `npm run bench -- ingest` (C=16, 5 runs each, alternated) first inventories 210–292 → 230–305/s,
   *   updates 263–393 → 298–381/s, and peak RSS 378–406 → 330–377 MB: fewer inventories wait in memory for a commit.
   */
  constructor(
    private readonly db: Db,
    private readonly maxBatch = 64,
    private readonly windowMs = db.dialect === 'sqlite' ? 5 : 0,
    private readonly part?: BatchPart<P>,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit<T>(run: (trx: Transaction<Database>, part: P) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown, P>);
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        setTimeout(() => {
          this.scheduled = false;
          if (!this.running) void this.drain();
        }, this.windowMs);
      }
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        const outcomes = this.db.dialect === 'sqlite' ? await this.runWithSavepoints(batch) : await this.runOptimistic(batch);
        batch.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
      }
    } finally {
      this.running = false;
    }
  }

  /** SQLite: each job in its own savepoint (in-process, so a savepoint costs microseconds). */
  private async runWithSavepoints(batch: Job<unknown, P>[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        outcomes.length = 0;
        const batchPart = this.part?.create() as P;
        for (const [i, job] of batch.entries()) {
          const sp = sql.raw(`vigie_job_${i}`);
          await sql`savepoint ${sp}`.execute(trx);
          try {
            const jobPart = this.part?.create() as P;
            outcomes.push({ ok: true, value: await job.run(trx, jobPart) });
            await sql`release savepoint ${sp}`.execute(trx);
            this.part?.absorb(batchPart, jobPart);
          } catch (error) {
            await sql`rollback to savepoint ${sp}`.execute(trx);
            await sql`release savepoint ${sp}`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
        if (this.part) await this.part.flush(trx, batchPart);
      });
    } catch (error) {
      // The commit itself failed: nothing of this batch is durable.
      return batch.map(() => ({ ok: false, error }));
    }
    return outcomes;
  }

  /**
   * PostgreSQL: no savepoints (two round trips per job, a third of an inventory's). A failing job aborts the
   * transaction: it is rejected alone and the batch runs again without it, in a new transaction. Jobs only write
   * through `trx` and their part, so running one again is safe. Failures are rare (a race between nodes), so the
   * common batch costs one round trip per statement and nothing more.
   */
  private async runOptimistic(batch: Job<unknown, P>[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(batch.length);
    let pending = batch.map((_, i) => i);
    let retries = 0;
    while (pending.length) {
      let failed: { index: number; error: unknown } | null = null;
      const values: unknown[] = [];
      try {
        await this.db.kysely.transaction().execute(async (trx) => {
          // Jobs run fixed statements (db/statement.ts) whose best plan does not depend on their values; PostgreSQL
          // would otherwise keep re-planning some at every execution (custom plans looked cheaper: measured ~1 ms
          // of planning per inventory update for the one-statement apply).
          await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
          const batchPart = this.part?.create() as P;
          for (const i of pending) {
            const jobPart = this.part?.create() as P;
            try {
              values.push(await batch[i]!.run(trx, jobPart));
            } catch (error) {
              failed = { index: i, error };
              throw error;
            }
            this.part?.absorb(batchPart, jobPart);
          }
          if (this.part) await this.part.flush(trx, batchPart);
        });
      } catch (error) {
        const f = failed as { index: number; error: unknown } | null;
        // Two writer transactions (Ingestor runs several on PostgreSQL) chose each other as victims: the whole
        // attempt goes again, nobody's fault.
        if (isTransient(f ? f.error : error) && retries++ < MAX_TRANSIENT_RETRIES) continue;
        if (!f) {
          // The flush or the commit failed: nothing of this attempt is durable.
          for (const i of pending) outcomes[i] = { ok: false, error };
          return outcomes;
        }
        outcomes[f.index] = { ok: false, error: f.error };
        pending = pending.filter((i) => i !== f.index);
        continue;
      }
      pending.forEach((i, k) => (outcomes[i] = { ok: true, value: values[k] }));
      return outcomes;
    }
    return outcomes;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_TRANSIENT_RETRIES = 5;

/** PostgreSQL deadlock_detected and serialization_failure: the same transaction may succeed when run again. */
function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
