/**
 * `vigie reprocess`: re-parses the raw payloads kept in receipts (the last N per asset) and ingests them again,
 * oldest first, so a parser fix reaches stored data. The diff makes this idempotent: unchanged output writes nothing.
 */
import { isVigieError } from '../../../common/errors.js';
import { limitsOf } from '../../http/agents/exchange.js';
import { decodeBody } from '../../inventory/decode.js';
import { inventoryFromText } from '../../inventory/formats/index.js';
import { Ingestor } from '../../inventory/ingest.js';
import { openContext } from '../context.js';
import type { CliCommand } from '../types.js';

export const reprocessCommand: CliCommand = {
  id: 'reprocess',
  describe: 'parse stored raw payloads again (after a parser fix)',
  register(program) {
    program
      .command('reprocess')
      .description(this.describe)
      .option('--asset <id>', 'only this asset')
      .option('--latest', 'only the latest kept payload of each asset')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { asset?: string; latest?: boolean; config?: string }) => {
        const { config, db } = await openContext(opts);
        const ingestor = new Ingestor(db, config);
        let ok = 0;
        let failed = 0;
        try {
          let q = db.kysely
            .selectFrom('inventory_receipts')
            .select(['id', 'asset_id', 'payload', 'user_agent', 'received_at'])
            .where('payload', 'is not', null)
            .where('outcome', '=', 'accepted');
          if (opts.asset) q = q.where('asset_id', '=', Number(opts.asset));
          let rows = await q.orderBy('id').execute();
          if (opts.latest) {
            const last = new Map<number | null, (typeof rows)[number]>();
            for (const r of rows) last.set(r.asset_id, r);
            rows = [...last.values()];
          }
          for (const r of rows) {
            try {
              const decoded = decodeBody(r.payload!, config.agents.maxInflatedBytes);
              const inv = inventoryFromText(decoded.text, { limits: limitsOf(config.agents), userAgent: r.user_agent });
              const res = await ingestor.ingest(inv, {
                receivedAt: new Date().toISOString(), remoteAddress: null, userAgent: r.user_agent, protocol: 'reprocess', query: 'INVENTORY',
                contentType: null, encoding: decoded.encoding, sizeBytes: r.payload!.length, inflatedBytes: decoded.inflatedBytes,
                sha256: `reprocess-of-${r.id}`, deviceId: inv.agent.deviceId, payload: null,
              });
              ok++;
              console.log(`receipt ${r.id}: asset ${res.assetId}, ${res.changes} change(s)`);
            } catch (e) {
              failed++;
              console.log(`receipt ${r.id}: failed: ${isVigieError(e) ? `${e.code}: ${e.message}` : (e as Error).message}`);
            }
          }
        } finally {
          await db.close();
        }
        console.log(`reprocessed ${ok}, failed ${failed}`);
        if (failed) process.exitCode = 1;
      });
  },
};
