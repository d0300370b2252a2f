/**
 * Several server nodes on one PostgreSQL (the multi-node deployment): each device's inventory sent to two nodes at
 * once, every inventory carrying the same new catalogue entries. Both nodes race to create the same assets (unique
 * device id, one retry) and the same entries (found or created before the transaction, SoftwareStore.catalogue), on
 * two group-commit writers each. Nothing may be lost or stored twice. SQLite has one writer process by design.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { deflateSync, gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { hasShared, skipUnless } from '../../test/helpers/components.js';
import { testConfig } from '../../test/helpers/config.js';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import { openDatabase, type Db } from '../db/index.js';
import type { ReceiptDraft } from '../db/repositories/inventory.js';
import { assetsWithEntries } from '../db/repositories/software-holders.js';
import { readAgentMessage, type ReadContext } from './agent-message.js';
import { Ingestor } from './ingest.js';

const CAPTURE = new URL('../../../shared/corpus/agents/exchanges/ocs-full/002-req.xml.gz', import.meta.url);
const ctx: ReadContext = { limits: { maxDepth: 64, maxElements: 1_000_000, maxFieldBytes: 1 << 20, maxSoftware: 200_000 }, maxInflatedBytes: 64 << 20, userAgent: 'OCS-NG_unified_unix_agent_v2.10.0', agentId: null };
const versionRe = /(<NAME>([^<]+)<\/NAME>\s*<PUBLISHER>[^<]*<\/PUBLISHER>\s*<VERSION>)([^<]+)(<\/VERSION>)/g;
const DEVICES = 12;

/** The capture as device `n`; three packages carry a version no catalogue has yet, the same on every device. */
function body(xml: string, n: number): Buffer {
  const names = [...xml.matchAll(versionRe)].map((m) => m[2]!);
  const bump = new Set([names[3], names[5], names[11]]);
  return deflateSync(
    xml
      .replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>nodes${n}-2026-12-07-10-00-00</DEVICEID>`)
      .replace(/<NAME>vm<\/NAME>/, `<NAME>nodes${n}</NAME>`)
      .replace(versionRe, (all, pre: string, name: string, version: string, post: string) => (bump.has(name) ? `${pre}${version}+race${post}` : all)),
  );
}

const receipt = (deviceId: string): ReceiptDraft => ({
  receivedAt: new Date().toISOString(), remoteAddress: '127.0.0.1', userAgent: ctx.userAgent, protocol: 'ocs', query: 'INVENTORY',
  contentType: null, encoding: 'zlib', sizeBytes: 1, inflatedBytes: 1, sha256: 'x', deviceId, payload: null,
});

for (const dialect of testDialects().filter((d) => d === 'postgres')) {
  describe('two server nodes ingesting into one PostgreSQL', { skip: (await dialectSkip(dialect)) || skipUnless(hasShared, 'the ../shared corpus is missing') }, () => {
    let t: TestDb;
    let nodeB: Db;
    after(async () => {
      await nodeB?.close();
      await t?.drop();
    });

    test('the same devices and the same new entries from both nodes at once: nothing lost, nothing twice', async () => {
      t = await createTestDb(dialect);
      nodeB = openDatabase(t.url);
      const config = testConfig(t.url);
      const nodes = [new Ingestor(t.db, config), new Ingestor(nodeB, config)];
      const xml = gunzipSync(readFileSync(CAPTURE)).toString('utf8');
      const messages = Array.from({ length: DEVICES }, (_, n) => readAgentMessage(body(xml, n), ctx));
      const software = messages[0]!.inventory!.software.length;
      const results = await Promise.all(
        messages.flatMap((m) => nodes.map((node) => node.ingest(m.inventory!, receipt(m.deviceId!), m.prepared!))),
      );

      const k = t.db.kysely;
      const assets = await k.selectFrom('assets').select(['id', 'device_id', 'software_count']).orderBy('device_id').execute();
      assert.equal(assets.length, DEVICES, 'one asset per device, whichever node created it');
      assert.deepEqual(new Set(results.map((r) => r.assetId)).size, DEVICES);
      assert.equal(results.filter((r) => r.created).length, DEVICES, 'each device created once; the other node updated it');
      for (const a of assets) assert.equal(a.software_count, software, `asset ${a.device_id}: software count`);
      const rows = await sql<{ asset_id: number; n: number }>`select asset_id, count(*)::int as n from asset_software_items group by asset_id`.execute(k);
      assert.deepEqual(rows.rows.map((r) => r.n), Array.from({ length: DEVICES }, () => software), 'every asset holds its full list');
      const receipts = await k.selectFrom('inventory_receipts').select((eb) => eb.fn.countAll<number>().as('n')).where('outcome', '=', 'accepted').executeTakeFirstOrThrow();
      assert.equal(Number(receipts.n), 2 * DEVICES, 'both nodes recorded their inventory');

      const raced = await k.selectFrom('software_catalog').select(['id', 'key_hash']).where('version', 'like', '%+race').execute();
      assert.equal(raced.length, 3, 'the three new entries exist once each');
      const holders = await assetsWithEntries(k, raced.map((r) => Number(r.id)));
      assert.deepEqual(holders.sort((x, y) => x - y), assets.map((a) => Number(a.id)).sort((x, y) => x - y), 'the holder bits name every asset');
    });
  });
}
