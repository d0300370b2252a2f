/**
 * `vigie import <file…>`: ingests inventories written by agents with --local (OCS `.ocs`/`.xml`, GLPI `.json`,
 * optionally gzip-compressed), through the same parse → identity → diff → store pipeline as HTTP.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VigieError, isVigieError } from '../../../common/errors.js';
import { limitsOf } from '../../http/agents/exchange.js';
import { decodeBody } from '../../inventory/decode.js';
import { inventoryFromText } from '../../inventory/formats/index.js';
import { Ingestor } from '../../inventory/ingest.js';
import { openContext } from '../context.js';
import type { CliCommand } from '../types.js';

export const importCommand: CliCommand = {
  id: 'import',
  describe: 'import inventory files (.ocs, .xml, .json, optionally .gz)',
  register(program) {
    program
      .command('import')
      .description(this.describe)
      .argument('<files...>')
      .option('--json', 'print one JSON result per file')
      .option('--config <file>', 'configuration file')
      .action(async (files: string[], opts: { json?: boolean; config?: string }) => {
        const { config, db } = await openContext(opts);
        const ingestor = new Ingestor(db, config);
        let failed = 0;
        try {
          for (const file of files) {
            const body = readFileSync(file);
            const receipt = {
              receivedAt: new Date().toISOString(), remoteAddress: null, userAgent: `vigie-import:${file}`.slice(0, 300), protocol: 'import' as const,
              query: 'INVENTORY', contentType: null, encoding: null as string | null, sizeBytes: body.length, inflatedBytes: null as number | null,
              sha256: createHash('sha256').update(body).digest('hex'), deviceId: null as string | null, payload: body,
            };
            try {
              const decoded = decodeBody(body, config.agents.maxInflatedBytes);
              receipt.encoding = decoded.encoding;
              receipt.inflatedBytes = decoded.inflatedBytes;
              const inv = inventoryFromText(decoded.text, { limits: limitsOf(config.agents) });
              receipt.deviceId = inv.agent.deviceId;
              const res = await ingestor.ingest(inv, receipt);
              const line = { file, ok: true, assetId: res.assetId, created: res.created, changes: res.changes, software: inv.software.length };
              console.log(opts.json ? JSON.stringify(line) : `${file}: asset ${res.assetId} ${res.created ? 'created' : 'updated'}, ${inv.software.length} software, ${res.changes} change(s)`);
            } catch (e) {
              failed++;
              const err = isVigieError(e) ? e : new VigieError('IMPORT_FAILED', (e as Error).message, { cause: e });
              await ingestor.reject(receipt, err);
              console.log(opts.json ? JSON.stringify({ file, ok: false, code: err.code, error: err.message }) : `${file}: rejected: ${err.code}: ${err.message}`);
            }
          }
        } finally {
          await db.close();
        }
        if (failed) process.exitCode = 1;
      });
  },
};
