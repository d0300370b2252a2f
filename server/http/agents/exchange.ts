/**
 * What every agent request shares, whatever the protocol: the raw body, its decoding under caps, and the
 * receipt draft recorded for it (accepted, rejected with reason, or answered).
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { VigieConfig } from '../../config/schema.js';
import type { ReceiptDraft } from '../../db/repositories/inventory.js';
import type { ParseLimits } from '../../inventory/formats/types.js';
import type { AgentContext } from './context.js';

/** A rejected body is kept for diagnosis only up to this size (attackers choose the size of what we store). */
const MAX_KEPT_REJECTED = 1024 * 1024;

export function limitsOf(cfg: VigieConfig['agents']): ParseLimits {
  return { maxDepth: cfg.maxDepth, maxElements: cfg.maxElements, maxFieldBytes: cfg.maxFieldBytes, maxSoftware: cfg.maxSoftware };
}

export function receiptDraft(req: FastifyRequest, body: Buffer, protocol: ReceiptDraft['protocol']): ReceiptDraft {
  return {
    receivedAt: new Date().toISOString(),
    remoteAddress: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    protocol,
    query: null,
    contentType: req.headers['content-type'] ?? null,
    encoding: null,
    sizeBytes: body.length,
    inflatedBytes: null,
    sha256: createHash('sha256').update(body).digest('hex'),
    deviceId: null,
    payload: body,
  };
}

export function forRejection(r: ReceiptDraft): ReceiptDraft {
  return r.payload && r.payload.length > MAX_KEPT_REJECTED ? { ...r, payload: null } : r;
}

export function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * Records the receipt of a PROLOG or CONTACT without holding the reply for the group commit: the reply
 * acknowledges nothing the agent sent, and waiting behind a batch of inventories cost each exchange a commit's
 * latency (the inventory that follows is queued after this receipt, so the order is kept).
 */
export function recordInBackground(ctx: AgentContext, req: FastifyRequest, receipt: ReceiptDraft, assetId: number | null): void {
  ctx.ingestor.answered(receipt, assetId).catch((err: unknown) => req.log.error({ err, deviceId: receipt.deviceId }, 'agent exchange: receipt not recorded'));
}
