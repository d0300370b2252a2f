/**
 * Group commit: write jobs submitted while a transaction is running are applied together in the next one,
 * each inside its own savepoint (a failing job rolls back alone and rejects only its own promise). A job's
 * promise resolves only after the commit, so an acknowledged inventory is durable.
 *
 * Why: on SQLite one inventory dirties ~900 random pages of the software indexes; committing 16 inventories
 * at once writes each page once instead of 16 times (measured: 43 → 14 ms per first inventory without the
 * index; see docs/adr/0002-group-commit.md). One client alone still gets a transaction of its own.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from './index.js';
import type { Database } from './types.js';

type Job<T> = { run: (trx: Transaction<Database>) => Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };

export class BatchWriter {
  private queue: Job<unknown>[] = [];
  private running = false;

  private scheduled = false;

  /**
   * @param windowMs how long the first job of an idle writer waits for company. better-sqlite3 is synchronous, so
   *   without a window a transaction would start and finish before other requests' jobs even reach the queue.
   */
  constructor(
    private readonly db: Db,
    private readonly maxBatch = 64,
    private readonly windowMs = db.dialect === 'sqlite' ? 4 : 0,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit<T>(run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
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
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          await this.db.kysely.transaction().execute(async (trx) => {
            outcomes.length = 0;
            for (const [i, job] of batch.entries()) {
              const sp = sql.raw(`vigie_job_${i}`);
              await sql`savepoint ${sp}`.execute(trx);
              try {
                outcomes.push({ ok: true, value: await job.run(trx) });
                await sql`release savepoint ${sp}`.execute(trx);
              } catch (error) {
                await sql`rollback to savepoint ${sp}`.execute(trx);
                await sql`release savepoint ${sp}`.execute(trx);
                outcomes.push({ ok: false, error });
              }
            }
          });
        } catch (error) {
          // The commit itself failed: nothing of this batch is durable.
          for (const job of batch) job.reject(error);
          continue;
        }
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
}
