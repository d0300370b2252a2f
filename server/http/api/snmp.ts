/**
 * /api/v1/snmp (issue 3 §5): on-demand scans (run in this process, progress in snmp_scans), the scan list and
 * detail, devices stored from SNMP, and credential sets (secrets encrypted at rest, never returned).
 */
import type { FastifyInstance } from 'fastify';
import {
  SnmpCredentialBody, SnmpCredentialIdParams, SnmpCredentialsListReply, SnmpDevicesListQuery, SnmpDevicesListReply, SnmpScan, SnmpScanCreateBody,
  SnmpScanIdParams, SnmpScansListQuery, SnmpScansListReply,
} from '../../../common/api/snmp.js';
import { VigieError } from '../../../common/errors.js';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import type { Ingestor } from '../../inventory/ingest.js';
import { deleteCredential, listCredentials, resolveKey, saveCredential } from '../../snmp/credentials.js';
import { createScan, runScan } from '../../snmp/scan.js';
import type { SnmpCredential } from '../../snmp/types.js';
import { requireRole } from '../auth/index.js';
import { defineRoute } from './route.js';

export interface SnmpApiContext {
  config: Pick<VigieConfig, 'snmp' | 'db' | 'identity' | 'agents'>;
  db: Db;
  ingestor: Ingestor;
  /** Scan policy (tests: loopback only). */
  allow?: (host: string) => boolean;
}

type ScanRow = { id: number; name: string; trigger: string; status: string; targets: string; total: number; scanned: number; found: number; stored: number; failed: number; problems: string; created_at: string; started_at: string | null; finished_at: string | null };

function scanOut(r: ScanRow) {
  return {
    id: Number(r.id), name: r.name, trigger: r.trigger, status: r.status as 'queued' | 'running' | 'done' | 'failed', targets: JSON.parse(r.targets) as string[],
    total: r.total, scanned: r.scanned, found: r.found, stored: r.stored, failed: r.failed, problems: JSON.parse(r.problems) as string[],
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

export async function snmpRoutes(app: FastifyInstance, ctx: SnmpApiContext): Promise<void> {
  const k = ctx.db.kysely;
  const running = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => void (await Promise.allSettled([...running])));

  defineRoute(app, { method: 'POST', url: '/snmp/scans', summary: 'Start an SNMP scan now (discovery, inventory, storage); poll GET /snmp/scans/:id', tags: ['snmp'], body: SnmpScanCreateBody, reply: SnmpScan }, async ({ body }, req) => {
    requireRole(req, 'analyst');
    const request = { name: body.name, trigger: 'api' as const, targets: body.targets, credentials: body.credentials, concurrency: body.concurrency, port: body.port };
    const id = await createScan(ctx.db, request);
    const p = runScan({ db: ctx.db, config: ctx.config, ingestor: ctx.ingestor, ...(ctx.allow ? { allow: ctx.allow } : {}) }, id, request)
      .catch((e: unknown) => req.log.warn({ err: e, scan: id }, 'snmp scan failed'))
      .finally(() => running.delete(p));
    running.add(p);
    const row = await k.selectFrom('snmp_scans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return scanOut(row as ScanRow);
  });
  defineRoute(app, { method: 'GET', url: '/snmp/scans', summary: 'SNMP scans, newest first', tags: ['snmp'], query: SnmpScansListQuery, reply: SnmpScansListReply }, async ({ query }) => {
    const rows = await k.selectFrom('snmp_scans').selectAll().orderBy('id', 'desc').limit(query.limit).execute();
    return { items: rows.map((r) => scanOut(r as ScanRow)) };
  });
  defineRoute(app, { method: 'GET', url: '/snmp/scans/:id', summary: 'One SNMP scan with its progress', tags: ['snmp'], params: SnmpScanIdParams, reply: SnmpScan }, async ({ params }) => {
    const row = await k.selectFrom('snmp_scans').selectAll().where('id', '=', params.id).executeTakeFirst();
    if (!row) throw new VigieError('API_NOT_FOUND', `no SNMP scan ${params.id}`);
    return scanOut(row as ScanRow);
  });
  defineRoute(app, { method: 'GET', url: '/snmp/devices', summary: 'Assets inventoried over SNMP (switches, routers, firewalls, printers, UPS…)', tags: ['snmp'], query: SnmpDevicesListQuery, reply: SnmpDevicesListReply }, async ({ query }) => {
    const rows = await k
      .selectFrom('assets')
      .select(['id', 'hostname', 'kind', 'vendor', 'model', 'serial', 'os_name', 'os_version', 'ip_address', 'last_seen_at'])
      .where('source_format', '=', 'snmp')
      .where('status', '!=', 'merged')
      .orderBy('id')
      .limit(query.limit)
      .execute();
    return {
      items: rows.map((r) => ({ assetId: Number(r.id), hostname: r.hostname, kind: r.kind, vendor: r.vendor, model: r.model, serial: r.serial, os: r.os_name, version: r.os_version, ipAddress: r.ip_address, lastSeen: r.last_seen_at })),
    };
  });
  defineRoute(app, { method: 'GET', url: '/snmp/credentials', summary: 'Stored SNMP credential sets (no secrets)', tags: ['snmp'], reply: SnmpCredentialsListReply }, async (_i, req) => {
    requireRole(req, 'analyst');
    return { items: await listCredentials(k) };
  });
  defineRoute(app, { method: 'POST', url: '/snmp/credentials', summary: 'Create or replace (by name) an SNMP credential set; secrets are encrypted at rest', tags: ['snmp'], body: SnmpCredentialBody, reply: SnmpCredentialsListReply }, async ({ body }, req) => {
    requireRole(req, 'admin');
    const { position, ...cred } = body;
    await saveCredential(k, resolveKey(ctx.config.snmp, ctx.config.db.url), body.name, cred as SnmpCredential, position, new Date().toISOString());
    return { items: await listCredentials(k) };
  });
  defineRoute(app, { method: 'DELETE', url: '/snmp/credentials/:id', summary: 'Delete a stored SNMP credential set', tags: ['snmp'], params: SnmpCredentialIdParams, reply: SnmpCredentialsListReply }, async ({ params }, req) => {
    requireRole(req, 'admin');
    if (!(await deleteCredential(k, params.id))) throw new VigieError('API_NOT_FOUND', `no SNMP credential set ${params.id}`);
    return { items: await listCredentials(k) };
  });
}
