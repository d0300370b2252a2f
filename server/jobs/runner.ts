/**
 * Schedules and the worker loop of one node. Every node runs both: the scheduler inserts the job of each
 * due slot under the key `<job>@<slot time>` (unique, so N nodes queue it once), and the workers claim jobs
 * from the shared queue. Cron slots are computed by croner in the schedule's time zone.
 */
import { Cron } from 'croner';
import type { JobsConfig } from './config.js';
import { JobQueue, type Clock, type JobRow } from './queue.js';

export interface JobContext {
  job: JobRow;
  nodeId: string;
  now: Clock;
}

export interface JobHandler {
  name: string;
  run(payload: unknown, ctx: JobContext): Promise<void>;
}

export interface Schedule {
  /** Job name queued at each slot; its payload is `{ slot: ISO time }`. */
  job: string;
  cron?: string;
  timezone?: string;
  everySeconds?: number;
  /** A slot is still queued this long after its time (a node restarting late catches up once). */
  catchUpSeconds: number;
}

/** Something else to do on every poll (outbox delivery), safe on several nodes by its own locking. */
export type PollTask = (now: Date) => Promise<unknown>;

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The latest slot of a schedule at or before `now`, or null. */
export function latestSlot(schedule: Schedule, now: Date): Date | null {
  if (schedule.everySeconds) {
    const ms = schedule.everySeconds * 1000;
    return new Date(Math.floor(now.getTime() / ms) * ms);
  }
  if (!schedule.cron) return null;
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  // previousRuns is strictly before its reference: add 1 ms so a slot exactly at `now` counts.
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    readonly queue: JobQueue,
    private readonly config: JobsConfig,
    private readonly options: { schedules?: Schedule[]; handlers?: JobHandler[]; pollTasks?: PollTask[]; now?: Clock; log?: Logger } = {},
  ) {
    for (const h of options.handlers ?? []) this.handlers.set(h.name, h);
  }

  private get now(): Clock {
    return this.options.now ?? (() => new Date());
  }
  private get log(): Logger {
    return this.options.log ?? silent;
  }

  /** Queues the due slot of every schedule (idempotent across nodes). Returns the keys this node inserted. */
  async tick(): Promise<string[]> {
    const now = this.now();
    const inserted: string[] = [];
    for (const s of this.options.schedules ?? []) {
      const slot = latestSlot(s, now);
      if (!slot || now.getTime() - slot.getTime() > s.catchUpSeconds * 1000) continue;
      const key = `${s.job}@${slot.toISOString()}`;
      if (await this.queue.enqueue(s.job, { slot: slot.toISOString() }, { key, runAt: slot })) inserted.push(key);
    }
    return inserted;
  }

  /** Runs one claimed job through its handler; false when nothing was ready. */
  async runOne(): Promise<boolean> {
    const job = await this.queue.claim([...this.handlers.keys()]);
    if (!job) return false;
    const handler = this.handlers.get(job.name)!;
    try {
      await handler.run(JSON.parse(job.payload) as unknown, { job, nodeId: this.queue.nodeId, now: this.now });
      await this.queue.complete(job);
    } catch (error) {
      const outcome = await this.queue.fail(job, error);
      this.log[outcome === 'dead' ? 'error' : 'warn']({ job: job.name, key: job.key, attempt: job.attempts, err: error }, outcome === 'dead' ? 'job failed for good (dead letter)' : 'job failed, will retry');
    }
    return true;
  }

  /** One full pass: schedules, jobs until none is ready, then poll tasks (tests drive this by hand). */
  async pass(maxJobs = 100): Promise<number> {
    await this.tick();
    let n = 0;
    while (n < maxJobs && !this.stopping && (await this.runOne())) n++;
    // After the jobs, so what a job just wrote (a digest in the outbox) goes out in the same pass.
    for (const task of this.options.pollTasks ?? []) {
      try {
        await task(this.now());
      } catch (err) {
        this.log.warn({ err }, 'poll task failed');
      }
    }
    return n;
  }

  start(): void {
    this.stopping = false;
    const loop = async () => {
      if (this.stopping || this.running >= this.config.concurrency) return;
      this.running++;
      const done = (async () => {
        try {
          await this.pass();
        } catch (err) {
          this.log.error({ err }, 'job runner pass failed');
        } finally {
          this.running--;
        }
      })();
      this.inFlight.add(done);
      void done.then(() => this.inFlight.delete(done));
    };
    this.timer = setInterval(() => void loop(), this.config.pollSeconds * 1000);
    this.timer.unref();
    void loop();
  }

  /** Stops polling and waits for the jobs in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }
}
