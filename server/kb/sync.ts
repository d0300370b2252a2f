/**
 * `vigie kb sync`: for each configured online source, its importer's fetch() downloads documents through the
 * shared HTTP client (proxy, timeout, retries, rate limit); each document goes through the same path as
 * `vigie kb import` (raw stored, parsed, idempotent). The source's cursor (kb_sources.meta) is saved after each
 * stored window, so an interrupted sync resumes where it stopped. One failing source does not stop the others.
 */
import type { Db } from '../db/index.js';
import type { KbConfig } from './config.js';
import { createHttpClient, type HttpClient } from './http.js';
import { importInput, saveSourceState, sourceState, type InputResult } from './import.js';
import { importers } from './importers/index.js';
import { rawInput } from './input.js';

export interface SyncResult {
  source: string;
  ok: boolean;
  inputs: InputResult[];
  requests: number;
  error?: string;
}

export async function syncKb(db: Db, config: KbConfig, opts: { sources?: string[]; http?: HttpClient; now?: Date; log?: (m: string) => void } = {}): Promise<SyncResult[]> {
  const out: SyncResult[] = [];
  const log = opts.log ?? (() => undefined);
  for (const id of opts.sources ?? config.sources) {
    const importer = importers.require(id);
    const http = opts.http ?? createHttpClient({ timeoutMs: config.timeoutSeconds * 1000, retries: config.retries, proxy: config.proxy });
    const before = http.requests;
    const result: SyncResult = { source: id, ok: true, inputs: [], requests: 0 };
    out.push(result);
    if (!importer.fetch) {
      Object.assign(result, { ok: false, error: `${id} has no online fetch` });
      continue;
    }
    try {
      const state = await sourceState(db, id);
      const next = await importer.fetch({
        http,
        config,
        state,
        now: opts.now ?? new Date(),
        log,
        emit: async (name, body) => {
          const r = await importInput(db, rawInput(name, body), { importer: id, storeRaw: config.storeRaw });
          result.inputs.push(r);
          if (r.status === 'failed') throw new Error(r.error);
        },
        checkpoint: (s) => saveSourceState(db, id, s),
      });
      await saveSourceState(db, id, next);
    } catch (e) {
      result.ok = false;
      result.error = (e as Error).message;
      await db.kysely
        .insertInto('kb_sources')
        .values({ id, last_attempt_at: new Date().toISOString(), last_success_at: null, last_error: result.error.slice(0, 2000) })
        .onConflict((oc) => oc.column('id').doUpdateSet({ last_error: result.error!.slice(0, 2000), last_attempt_at: new Date().toISOString() }))
        .execute();
    }
    result.requests = http.requests - before;
  }
  return out;
}
