/**
 * The job queue, one table on both dialects (design.md "Jobs, schedules, several nodes"): any node claims a
 * ready job with an atomic UPDATE … RETURNING (on PostgreSQL the candidate row is picked FOR UPDATE SKIP
 * LOCKED, so nodes never wait on each other); failures retry with exponential backoff and end as dead
 * letters after max_attempts; a node that dies while running a job loses its lock after lockSeconds.
 * A job may carry a unique key: scheduled work uses (job, period), so a period is queued once however many
 * nodes try. pg-boss was not used: this table gives the same guarantees on SQLite too, and is testable.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { JobsConfig } from './config.js';

export interface JobRow {
  id: number;
  name: string;
  key: string | null;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
}

export interface EnqueueOptions {
  /** Dedup key: a second enqueue with the same key is a no-op (also across nodes). */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
}

export type Clock = () => Date;

export function defaultNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
}

/** Delay before attempt n+1 after n failures: base·2^(n-1), capped (no jitter: nodes do not compete for a slot). */
export function backoffSeconds(failures: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, failures - 1));
}

export class JobQueue {
  readonly nodeId: string;
  constructor(
    private readonly db: Db,
    private readonly config: JobsConfig,
    private readonly now: Clock = () => new Date(),
    nodeId?: string,
  ) {
    this.nodeId = nodeId ?? config.nodeId ?? defaultNodeId();
  }

  /** Queues a job; false when a job with the same key already exists. */
  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<boolean> {
    const now = this.now();
    const res = await this.db.kysely
      .insertInto('jobs')
      .values({
        name,
        key: options.key ?? null,
        payload: JSON.stringify(payload ?? {}),
        state: 'queued',
        max_attempts: options.maxAttempts ?? this.config.maxAttempts,
        run_at: (options.runAt ?? now).toISOString(),
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Takes one ready job (queued and due, or running with an expired lock) for this node. */
  async claim(names?: string[]): Promise<JobRow | null> {
    const now = this.now().toISOString();
    const until = new Date(this.now().getTime() + this.config.lockSeconds * 1000).toISOString();
    const k = this.db.kysely;
    const ready = sql<boolean>`((state = 'queued' and run_at <= ${now}) or (state = 'running' and locked_until < ${now}))`;
    let pick = k.selectFrom('jobs').select('id').where(ready).orderBy('run_at').orderBy('id').limit(1);
    if (names?.length) pick = pick.where('name', 'in', names);
    if (this.db.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
    const row = await k
      .updateTable('jobs')
      .set({ state: 'running', attempts: sql`attempts + 1`, locked_by: this.nodeId, locked_until: until })
      .where('id', '=', pick)
      .where(ready) // re-checked on the locked row version (READ COMMITTED re-evaluates the outer WHERE)
      .returning(['id', 'name', 'key', 'payload', 'state', 'attempts', 'max_attempts', 'run_at'])
      .executeTakeFirst();
    return row ?? null;
  }

  async complete(job: JobRow): Promise<void> {
    await this.db.kysely
      .updateTable('jobs')
      .set({ state: 'done', locked_by: null, locked_until: null, finished_at: this.now().toISOString(), last_error: null })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.nodeId)
      .execute();
  }

  /** Schedules a retry with backoff, or moves the job to the dead letters when attempts are spent. */
  async fail(job: JobRow, error: unknown): Promise<'retry' | 'dead'> {
    const message = error instanceof Error ? error.message : String(error);
    const dead = job.attempts >= job.max_attempts;
    const runAt = new Date(this.now().getTime() + backoffSeconds(job.attempts, this.config.backoffBaseSeconds, this.config.backoffMaxSeconds) * 1000);
    await this.db.kysely
      .updateTable('jobs')
      .set({
        state: dead ? 'dead' : 'queued',
        run_at: dead ? job.run_at : runAt.toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: message.slice(0, 2000),
        finished_at: dead ? this.now().toISOString() : null,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.nodeId)
      .execute();
    return dead ? 'dead' : 'retry';
  }

  /** Deletes finished jobs older than keepDays; dead letters stay until someone looks at them. */
  async cleanup(): Promise<number> {
    const before = new Date(this.now().getTime() - this.config.keepDays * 86_400_000).toISOString();
    const res = await this.db.kysely.deleteFrom('jobs').where('state', '=', 'done').where('finished_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.kysely.selectFrom('jobs').select(['state', sql<number>`count(*)`.as('n')]).groupBy('state').execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}
