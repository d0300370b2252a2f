/**
 * A small pool of worker threads that read agent messages (decompress, parse, map, prepare.ts keys and hashes), so the
 * main thread keeps serving HTTP and writing to the database meanwhile. Small bodies (PROLOG, CONTACT, status
 * messages) are read inline: a thread hop would cost more than the parse. Each worker keeps caches across messages
 * (packages already read, committed catalogue ids: ADR 0004) and answers with handoff.ts's slim encoding; a
 * 909-package inventory whose packages the fleet already has takes ~1–4 ms there instead of ~13.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { deserializeError, readAgentMessage, type AgentMessage, type ReadContext, type SerializedError } from './agent-message.js';
import { decodeMessage } from './handoff.js';

const INLINE_BELOW_BYTES = 16 * 1024;

// Module hooks (the tsx TypeScript loader) are per thread in Node 20: a worker registers tsx itself before
// importing the TypeScript worker module.
const WORKER_URL = new URL('./parse-worker.ts', import.meta.url).href;
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

/** `msg`: handoff.ts encoding. */
type Reply = { id: number; ok: true; msg: string } | { id: number; ok: false; error: SerializedError };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (m: AgentMessage) => void; reject: (e: Error) => void }>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export class ParsePool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // V8's default young generation (48 MB), stated because it was 12 once: each young collection copies the document
    // being read (~0.5 MB), so fewer of them is less work. Measured under `npm run bench -- ingest`: the worker's
    // collections took 305–324 ms per 1,200 inventories against 662–913 with 12 MB; peak RSS 330–350 MB against
    // 300–325 (the heap growing factor, cli/commands/server.ts, keeps it under the 400 MB goal).
    const worker = new Worker(WORKER_BOOT, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (r: Reply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) slot.worker.unref(); // an idle pool must not keep the process alive
      if (r.ok) p.resolve(decodeMessage(r.msg));
      else p.reject(deserializeError(r.error));
    });
    const fail = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (!this.closed) this.slots[this.slots.indexOf(slot)] = this.spawn(); // a crashed worker is replaced
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`parse worker exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  async read(body: Buffer, ctx: ReadContext): Promise<AgentMessage> {
    if (this.size === 0 || body.length < INLINE_BELOW_BYTES) return readAgentMessage(body, ctx);
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<AgentMessage>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, body, ctx });
    });
  }

  /**
   * Catalogue entries now committed (key hash → id): each worker then sends those entries as stubs (handoff.ts).
   * Sent to every worker, in order with later requests, so a worker never uses a pair before it is committed.
   */
  learn(pairs: [string, number][]): void {
    if (this.closed || this.size === 0 || !pairs.length) return;
    for (const s of this.slots) s.worker.postMessage({ learn: pairs });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
