/**
 * One SNMP scan (issue 3 §5): discovery over the targets with the credential sets in order, then the full
 * inventory of every responder with the credential that worked, converted to the canonical Inventory and
 * ingested (identity, diff, change history, software rows the matcher reads). Progress is written to
 * `snmp_scans` at most twice a second, so the API can show it while the scan runs.
 */
import { createHash } from 'node:crypto';
import { VigieError } from '../../common/errors.js';
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import type { ReceiptDraft } from '../db/repositories/inventory.js';
import type { Ingestor, IngestResult } from '../inventory/ingest.js';
import { collectInventory, type SnmpDeviceInventory } from './collect.js';
import { loadCredentials, resolveKey } from './credentials.js';
import { discover } from './discover.js';
import { fingerprints } from './fingerprint/load.js';
import { Limiter } from './limiter.js';
import { SnmpSession } from './session.js';
import { inCidrs, parseTargets } from './targets.js';
import { toInventory } from './to-inventory.js';
import { credentialLabel, type SnmpCredential, type SnmpTarget } from './types.js';

/** Version of the SNMP collector, recorded as the "agent" version of SNMP inventories. */
export const SNMP_COLLECTOR_VERSION = '1.0';
const VERSION = SNMP_COLLECTOR_VERSION;

export interface ScanDeps {
  db: Db;
  config: Pick<VigieConfig, 'snmp' | 'db' | 'identity' | 'agents'>;
  ingestor: Ingestor;
  /** Scan policy (tests: loopback only). */
  allow?: (host: string) => boolean;
}

export interface ScanRequest {
  name: string;
  trigger: 'schedule' | 'api' | 'cli';
  targets: string[];
  /** Names of credential sets to try; default all (config first, then stored). */
  credentials?: string[] | undefined;
  /** Extra sets given on the command line (not stored). */
  extraCredentials?: SnmpCredential[];
  concurrency?: number | undefined;
  port?: number | undefined;
}

export interface ScanSummary {
  id: number;
  total: number;
  found: number;
  stored: number;
  failed: number;
  problems: string[];
  assets: { host: string; port: number; assetId: number | null; created: boolean; changes: number; osId: string | null; error?: string }[];
}

/** Who collected a device: Vigie's own scanner, or an agent that ran the SNMP task for us (agent-tasks.ts). */
export interface DeviceSource {
  userAgent: string;
  /** Where the data came from: the device scanned, or the agent that reported it. */
  remoteAddress: string | null;
  durationMs?: number;
  agent?: { deviceId: string; name: string; version: string | null; query: string; protocol: ReceiptDraft['protocol'] };
}

/**
 * Stores one SNMP device inventory as an asset, whoever collected it: converted to the canonical Inventory and
 * ingested (identity, diff, change history), with a receipt whose payload is the device inventory as JSON.
 * An agent-reported device keeps the agent's DEVICEID on the receipt and in the snmp section (`reportedBy`).
 */
export async function storeDevice(ingestor: Ingestor, inv: SnmpDeviceInventory, target: SnmpTarget, source: DeviceSource): Promise<IngestResult> {
  const canonical = toInventory(inv, target, source.agent ? (source.agent.version ?? 'unknown') : VERSION, source.agent ? { name: source.agent.name, userAgent: source.userAgent, reportedBy: source.agent.deviceId } : undefined);
  const body = Buffer.from(JSON.stringify(inv));
  return ingestor.ingest(canonical, {
    receivedAt: new Date().toISOString(), remoteAddress: source.remoteAddress, userAgent: source.userAgent.slice(0, 300),
    protocol: source.agent?.protocol ?? 'import', query: source.agent?.query ?? 'SNMP', contentType: 'application/json', encoding: null, sizeBytes: body.length, inflatedBytes: null,
    sha256: createHash('sha256').update(body).digest('hex'), deviceId: source.agent?.deviceId ?? canonical.agent.deviceId, durationMs: source.durationMs ?? null, payload: body,
  });
}

export async function createScan(db: Db, req: ScanRequest, now = new Date()): Promise<number> {
  const r = await db.kysely
    .insertInto('snmp_scans')
    .values({ name: req.name, trigger: req.trigger, status: 'queued', targets: JSON.stringify(req.targets), created_at: now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function credentialsFor(deps: { db: Db; config: Pick<VigieConfig, 'snmp' | 'db'> }, names?: string[]): Promise<SnmpCredential[]> {
  const fromConfig = deps.config.snmp.credentials.map((c, k) => ({ ...c, name: c.name ?? `config-${k + 1}` }) as SnmpCredential);
  const stored = (await deps.db.kysely.selectFrom('snmp_credentials').select('id').limit(1).execute()).length
    ? await loadCredentials(deps.db.kysely, resolveKey(deps.config.snmp, deps.config.db.url))
    : [];
  const all = [...fromConfig, ...stored];
  if (!names?.length) return all;
  const missing = names.filter((n) => !all.some((c) => c.name === n));
  if (missing.length) throw new VigieError('SNMP_TARGET_INVALID', `unknown credential set(s) ${missing.join(', ')}; known: ${all.map((c) => c.name).join(', ') || 'none'}`);
  return names.map((n) => all.find((c) => c.name === n)!);
}

export async function runScan(deps: ScanDeps, id: number, req: ScanRequest): Promise<ScanSummary> {
  const k = deps.db.kysely;
  const cfg = deps.config.snmp;
  const problems: string[] = [];
  const summary: ScanSummary = { id, total: 0, found: 0, stored: 0, failed: 0, problems, assets: [] };
  let lastWrite = 0;
  const progress = async (force = false): Promise<void> => {
    if (!force && Date.now() - lastWrite < 500) return;
    lastWrite = Date.now();
    await k.updateTable('snmp_scans').set({ total: summary.total, found: summary.found, stored: summary.stored, failed: summary.failed, problems: JSON.stringify(problems.slice(0, 200)) }).where('id', '=', id).execute();
  };
  await k.updateTable('snmp_scans').set({ status: 'running', started_at: new Date().toISOString() }).where('id', '=', id).execute();
  try {
    const targets = parseTargets(req.targets, req.port ?? cfg.port);
    const creds = [...(req.extraCredentials ?? []), ...(await credentialsFor(deps, req.credentials))];
    summary.total = targets.length;
    await progress(true);
    const data = fingerprints();
    const session = { timeoutMs: cfg.timeoutMs, retries: cfg.retries, maxRepetitions: cfg.maxRepetitions };
    let scanned = 0;
    const allowed = cfg.allowedTargets;
    const allow = (h: string): boolean => (!deps.allow || deps.allow(h)) && (!allowed.length || inCidrs(h, allowed));
    const found = await discover(targets, creds, data, {
      concurrency: req.concurrency ?? cfg.concurrency,
      session,
      allow,
      onProgress: (done, _total, n) => {
        scanned = done;
        summary.found = n;
        void k.updateTable('snmp_scans').set({ scanned, found: n }).where('id', '=', id).execute().catch(() => undefined);
      },
    });
    summary.found = found.length;
    const limiter = new Limiter(cfg.inventoryConcurrency);
    const requests = new Limiter(Math.max(cfg.concurrency, cfg.inventoryConcurrency * 2));
    await Promise.all(
      found.map((a) =>
        limiter.run(async () => {
          const target = { host: a.host, port: a.port };
          const cred = creds[a.credentialIndex]!;
          const s = new SnmpSession(target, cred, session, requests, 2);
          const started = Date.now();
          try {
            const inv = await collectInventory(s, data);
            for (const p of inv.problems) problems.push(`${a.host}:${a.port}: ${p}`);
            const res = await storeDevice(deps.ingestor, inv, target, { userAgent: `vigie-snmp/${VERSION} (${credentialLabel(cred)})`, remoteAddress: a.host, durationMs: Date.now() - started });
            summary.stored++;
            summary.assets.push({ host: a.host, port: a.port, assetId: res.assetId, created: res.created, changes: res.changes, osId: inv.osId });
          } catch (e) {
            summary.failed++;
            const msg = (e as Error).message.slice(0, 500);
            problems.push(`${a.host}:${a.port}: ${msg}`);
            summary.assets.push({ host: a.host, port: a.port, assetId: null, created: false, changes: 0, osId: a.osId, error: msg });
          } finally {
            s.close();
            await progress();
          }
        }),
      ),
    );
    await progress(true);
    await k.updateTable('snmp_scans').set({ status: 'done', scanned: targets.length, finished_at: new Date().toISOString() }).where('id', '=', id).execute();
  } catch (e) {
    problems.push((e as Error).message.slice(0, 500));
    await progress(true);
    await k.updateTable('snmp_scans').set({ status: 'failed', finished_at: new Date().toISOString() }).where('id', '=', id).execute();
    throw e;
  }
  return summary;
}
