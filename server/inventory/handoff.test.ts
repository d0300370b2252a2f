/**
 * The parse worker's caches and handoff (handoff.ts, prepare.ts KnownCatalogue, formats/xml.ts XmlReuse) change
 * nothing that is stored: the same inventories ingested through the worker path (stubs for catalogued entries,
 * reused SOFTWARES subtrees) and read in process give the same rows, counts and change history, on every dialect.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { deflateSync, gunzipSync } from 'node:zlib';
import { hasShared, skipUnless } from '../../test/helpers/components.js';
import { testConfig } from '../../test/helpers/config.js';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import type { ReceiptDraft } from '../db/repositories/inventory.js';
import { readAgentMessage, type ReadContext, type WorkerCaches } from './agent-message.js';
import { createXmlReuse } from './formats/xml.js';
import { decodeMessage, encodeMessage, isStub } from './handoff.js';
import { Ingestor } from './ingest.js';
import { KnownCatalogue } from './prepare.js';

const CAPTURE = new URL('../../../shared/corpus/agents/exchanges/ocs-full/002-req.xml.gz', import.meta.url);
const ctx: ReadContext = { limits: { maxDepth: 64, maxElements: 1_000_000, maxFieldBytes: 1 << 20, maxSoftware: 200_000 }, maxInflatedBytes: 64 << 20, userAgent: 'OCS-NG_unified_unix_agent_v2.10.0', agentId: null };
const versionRe = /(<NAME>([^<]+)<\/NAME>\s*<PUBLISHER>[^<]*<\/PUBLISHER>\s*<VERSION>)([^<]+)(<\/VERSION>)/g;

/** The capture as device `n`, with package versions edited per generation (as the ingest bench does). */
function body(xml: string, n: number, generation: number): Buffer {
  const names = [...xml.matchAll(versionRe)].map((m) => m[2]!);
  // names[5] and names[11] change on every device alike: from the second device on, their new version is a catalogued
  // entry the asset did not have (a stub whose details the diff needs)
  const bump = new Set([names[n], names[5], names[11]]);
  const text = xml
    .replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>handoff${n}-2026-11-29-10-00-00</DEVICEID>`)
    .replace(/<NAME>vm<\/NAME>/, `<NAME>handoff${n}</NAME>`)
    .replace(versionRe, (all, pre: string, name: string, version: string, post: string) => (bump.has(name) ? `${pre}${version}+g${generation}${post}` : all))
    // generation 2 also drops a package and installs it back under another version elsewhere in the list
    .replace(generation === 2 ? /<SOFTWARES>\s*<ARCHITECTURE>all<\/ARCHITECTURE>\s*<COMMENTS>add and remove users and groups<\/COMMENTS>[\s\S]*?<\/SOFTWARES>/ : /$^/, '');
  return deflateSync(text);
}

const receipt = (deviceId: string): ReceiptDraft => ({
  receivedAt: new Date().toISOString(), remoteAddress: '127.0.0.1', userAgent: ctx.userAgent, protocol: 'ocs', query: 'INVENTORY',
  contentType: null, encoding: 'zlib', sizeBytes: 1, inflatedBytes: 1, sha256: 'x', deviceId, payload: null,
});

async function snapshot(t: TestDb) {
  const k = t.db.kysely;
  const software = await k.selectFrom('asset_software as s').innerJoin('assets as a', 'a.id', 's.asset_id')
    .select(['a.device_id', 's.name', 's.version', 's.arch', 's.publisher', 's.origin', 's.install_date', 's.extra']).orderBy('a.device_id').orderBy('s.name').orderBy('s.version').execute();
  const changes = await k.selectFrom('asset_changes as c').innerJoin('assets as a', 'a.id', 'c.asset_id')
    .select(['a.device_id', 'c.kind', 'c.subject', 'c.old_value', 'c.new_value']).orderBy('a.device_id').orderBy('c.kind').orderBy('c.subject').execute();
  const assets = await k.selectFrom('assets').select(['device_id', 'software_count', 'hostname']).orderBy('device_id').execute();
  const sections = await k.selectFrom('asset_sections as s').innerJoin('assets as a', 'a.id', 's.asset_id').select(['a.device_id', 's.section', 's.hash']).orderBy('a.device_id').orderBy('s.section').execute();
  return { software, changes, assets, sections };
}

for (const dialect of testDialects()) {
  describe(`parse worker handoff on ${dialect}`, { skip: (await dialectSkip(dialect)) || skipUnless(hasShared, 'the ../shared corpus is missing') }, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.drop();
    });

    test('stubs and reused subtrees store exactly what an in-process read stores', async () => {
      const xml = gunzipSync(readFileSync(CAPTURE)).toString('utf8');
      const plainDb = await createTestDb(dialect);
      const workerDb = await createTestDb(dialect);
      dbs.push(plainDb, workerDb);
      const config = testConfig(plainDb.url);
      const plain = new Ingestor(plainDb.db, config);
      const viaWorker = new Ingestor(workerDb.db, config);
      const caches: WorkerCaches = { known: new KnownCatalogue(), reuse: createXmlReuse(['softwares']) };
      viaWorker.onCatalogued((pairs) => caches.known.learn(pairs));
      let stubbed = 0;
      for (const generation of [0, 1, 2]) {
        for (const n of [0, 1, 2]) {
          const b = body(xml, n, generation);
          const a = readAgentMessage(b, ctx);
          await plain.ingest(a.inventory!, receipt(a.deviceId!), a.prepared!);
          const w = decodeMessage(encodeMessage(readAgentMessage(b, ctx, caches)));
          stubbed += w.inventory!.software.filter(isStub).length;
          assert.deepEqual(w.prepared!.sections, a.prepared!.sections);
          assert.equal(w.prepared!.softwareHash, a.prepared!.softwareHash);
          await viaWorker.ingest(w.inventory!, receipt(w.deviceId!), w.prepared!);
        }
      }
      assert.ok(stubbed > 7 * 900, `expected most entries to cross as stubs once catalogued, found ${stubbed}`);
      const [x, y] = [await snapshot(plainDb), await snapshot(workerDb)];
      assert.ok(x.changes.some((c) => c.kind === 'software_upgraded') && x.changes.some((c) => c.kind === 'software_removed'));
      assert.deepEqual(y.assets, x.assets);
      assert.deepEqual(y.software, x.software);
      assert.deepEqual(y.changes, x.changes);
      assert.deepEqual(y.sections, x.sections);
    });
  });
}
