/**
 * `vigie import <file…>`: ingests inventories written by agents with --local (OCS `.ocs`/`.xml`, GLPI `.json`,
 * optionally gzip-compressed), through the same parse → identity → diff → store pipeline as HTTP. A network task
 * report (GLPI netinventory JSON, FusionInventory SNMPQUERY / NETDISCOVERY XML) takes the path HTTP gives it: each
 * device becomes an SNMP device asset of its own (snmp/agent-tasks.ts), never an inventory of the agent that sent it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VigieError, isVigieError } from '../../../common/errors.js';
import type { Inventory } from '../../../common/inventory/model.js';
import { limitsOf } from '../../http/agents/exchange.js';
import { decodeBody } from '../../inventory/decode.js';
import { inventoryFromGlpiMessage, itemtypeOf, parseGlpiMessage } from '../../inventory/formats/glpi-json.js';
import { detectFormat } from '../../inventory/formats/index.js';
import { inventoryFromMessage, parseOcsMessage } from '../../inventory/formats/ocs-xml.js';
import type { ParseContext } from '../../inventory/formats/types.js';
import { Ingestor } from '../../inventory/ingest.js';
import { storeReported, type ReportedMessage } from '../../snmp/agent-tasks.js';
import { fingerprints } from '../../snmp/fingerprint/load.js';
import { reportedNetInventory } from '../../snmp/from-glpi-json.js';
import { openContext } from '../context.js';
import type { CliCommand } from '../types.js';

/** A file's message read once: an inventory, or a network task report and the DEVICEID of the agent that sent it. */
type ImportedMessage = { inventory: Inventory } | { report: ReportedMessage; deviceId: string };

async function readMessage(text: string, ctx: ParseContext): Promise<ImportedMessage> {
  if (detectFormat(text).id === 'glpi-json') {
    const msg = parseGlpiMessage(text, ctx.limits);
    if (msg.action !== 'netinventory') return { inventory: inventoryFromGlpiMessage(msg, ctx) };
    const reported = await reportedNetInventory(msg.body.content, itemtypeOf(msg.body), fingerprints());
    return { report: { query: 'NETINVENTORY', reported }, deviceId: needDeviceId(msg.deviceId, 'netinventory') };
  }
  const msg = parseOcsMessage(text, ctx.limits);
  if (msg.query === 'SNMPQUERY' || msg.query === 'NETDISCOVERY') return { report: { query: msg.query, tree: msg.tree }, deviceId: needDeviceId(msg.deviceId, msg.query) };
  return { inventory: inventoryFromMessage(msg, ctx) };
}

function needDeviceId(deviceId: string | null, what: string): string {
  if (!deviceId) throw new VigieError('INVENTORY_BAD_DEVICEID', `${what} rejected: expected the DEVICEID of the agent that sent it, found none`);
  return deviceId;
}

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
              const read = await readMessage(decoded.text, { limits: limitsOf(config.agents) });
              if ('report' in read) {
                receipt.deviceId = read.deviceId;
                receipt.query = read.report.query;
                const res = await storeReported({ db, config, ingestor }, { ...read.report, agentDeviceId: read.deviceId, receipt });
                // A report that stored nothing (a discovery's START/END notice) still leaves its receipt.
                if (!res.stored.length && !res.seen.length) await ingestor.answered({ ...receipt, payload: null }, null);
                const line = { file, ok: true, query: read.report.query, stored: res.stored, seen: res.seen, notStored: res.notStored };
                console.log(opts.json ? JSON.stringify(line) : `${file}: ${read.report.query}: ${res.stored.map((d) => `asset ${d.assetId} ${d.created ? 'created' : 'updated'}${d.osId ? ` (${d.osId})` : ''}`).join(', ') || 'no device stored'}${res.seen.length ? `, ${res.seen.length} known device(s) seen` : ''}${res.notStored.length ? `; not stored: ${res.notStored.join('; ')}` : ''}`);
                continue;
              }
              const inv = read.inventory;
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
