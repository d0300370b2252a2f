/**
 * The parse worker's path (decode.ts parts, formats/xml.ts reuse, content-mapper memos, prepare.ts caches, handoff)
 * against the plain one: the same message, Inventory and prepared data for every agent capture of ../shared/corpus,
 * read twice so that the second read comes from the caches. decodeBodyParts against decodeBody.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { VigieError } from '../../common/errors.js';
import { hasShared, skipUnless } from '../../test/helpers/components.js';
import { readAgentMessage, type AgentMessage, type ReadContext, type WorkerCaches } from './agent-message.js';
import { decodeBody, decodeBodyParts } from './decode.js';
import { createXmlReuse, parseXml } from './formats/xml.js';
import { decodeMessage, encodeMessage } from './handoff.js';
import { KnownCatalogue } from './prepare.js';

const CORPUS = new URL('../../../shared/corpus/agents/', import.meta.url);
const ctx: ReadContext = { limits: { maxDepth: 32, maxElements: 2_000_000, maxFieldBytes: 64 * 1024, maxSoftware: 100_000 }, maxInflatedBytes: 64 << 20, userAgent: 'OCS-NG_unified_unix_agent_v2.10.0', agentId: null };

function captures(): { name: string; body: Buffer }[] {
  const out: { name: string; body: Buffer }[] = [];
  const exchanges = new URL('exchanges/', CORPUS);
  for (const s of readdirSync(exchanges).sort()) {
    for (const f of readdirSync(new URL(`${s}/`, exchanges)).sort().filter((x) => x.endsWith('-req.xml.gz'))) {
      out.push({ name: `${s}/${f}`, body: gunzipSync(readFileSync(new URL(`${s}/${f}`, exchanges))) });
    }
  }
  for (const f of readdirSync(new URL('local/', CORPUS)).sort().filter((x) => x.endsWith('.xml.gz'))) {
    out.push({ name: `local/${f}`, body: gunzipSync(readFileSync(new URL(`local/${f}`, CORPUS))) });
  }
  return out;
}

/** What the worker's caches may change in a message: nothing but the ids it knows. */
function comparable(m: AgentMessage): AgentMessage {
  return { ...m, prepared: m.prepared ? { ...m.prepared, softwareIds: undefined } : m.prepared };
}

test('the worker path reads every corpus capture as the plain path does, twice, and across the handoff', { skip: skipUnless(hasShared, `the ../shared corpus is not at ${CORPUS.pathname}`) }, () => {
  const list = captures();
  assert.ok(list.length >= 40, `expected the corpus captures, found ${list.length}`);
  const caches: WorkerCaches = { known: new KnownCatalogue(), reuse: createXmlReuse(['softwares']) };
  let stubs = 0;
  for (const round of [1, 2]) {
    for (const c of list) {
      const body = deflateSync(c.body);
      const plain = readAgentMessage(body, ctx);
      const worker = readAgentMessage(body, ctx, caches);
      assert.deepEqual(comparable(worker), comparable(plain), `${c.name} (round ${round})`);
      if (worker.prepared) {
        // as the main thread would: the ids of the entries it did not know, once committed
        caches.known.learn(worker.prepared.softwareKeys.flatMap((k, i) => (worker.prepared!.softwareIds![i] == null ? [[k, i + 1] as [string, number]] : [])));
        const back = decodeMessage(encodeMessage(worker));
        assert.deepEqual(back.prepared!.softwareKeys, worker.prepared.softwareKeys.map((k, i) => (worker.prepared!.softwareIds![i] == null ? k : '')), c.name);
        assert.deepEqual(back.prepared!.softwareIds, worker.prepared.softwareIds);
        assert.equal(back.prepared!.softwareHash, plain.prepared!.softwareHash);
        stubs += worker.prepared.softwareIds!.filter((id) => id != null).length;
      }
    }
  }
  assert.ok(stubs > 1000, `expected known entries on the second round, found ${stubs}`);
});

test('a catalogue id learned later, or changed, is seen by the next read of a reused entry', () => {
  const xml = '<REQUEST><CONTENT><SOFTWARES><NAME>a</NAME><VERSION>1</VERSION></SOFTWARES><SOFTWARES><NAME>b</NAME></SOFTWARES></CONTENT><DEVICEID>d-2026-01-01-00-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>';
  const caches: WorkerCaches = { known: new KnownCatalogue(), reuse: createXmlReuse(['softwares']) };
  const first = readAgentMessage(Buffer.from(xml), ctx, caches).prepared!;
  assert.deepEqual(first.softwareIds, [null, null]);
  caches.known.learn([[first.softwareKeys[1]!, 7]]);
  assert.deepEqual(readAgentMessage(Buffer.from(xml), ctx, caches).prepared!.softwareIds, [null, 7]);
  caches.known.learn([[first.softwareKeys[1]!, 8], [first.softwareKeys[0]!, 9]]);
  assert.deepEqual(readAgentMessage(Buffer.from(xml), ctx, caches).prepared!.softwareIds, [9, 8]);
  // another catalogue (another database) knows nothing of those
  assert.deepEqual(readAgentMessage(Buffer.from(xml), ctx, { ...caches, known: new KnownCatalogue() }).prepared!.softwareIds, [null, null]);
});

test('decodeBodyParts: the parts make decodeBody\'s text, for every encoding, and each starts with "<" but the first', () => {
  const text = '\ufeff<?xml version="1.0"?>\n<REQUEST>' + '<A>é€😀 x</A>'.repeat(5000) + '</REQUEST>';
  const bytes = Buffer.from(text, 'utf8');
  for (const body of [bytes, deflateSync(bytes), deflateRawSync(bytes), gzipSync(bytes)]) {
    const whole = decodeBody(body, 64 << 20);
    for (const size of [1, 1000, 48 * 1024]) {
      const d = decodeBodyParts(body, 64 << 20, size);
      assert.equal(d.parts.join(''), whole.text);
      assert.equal(d.encoding, whole.encoding);
      assert.equal(d.inflatedBytes, whole.inflatedBytes);
      assert.ok(d.parts.slice(1).every((p) => p.startsWith('<')));
      if (size === 1000) assert.ok(d.parts.length > 10);
    }
  }
  assert.equal(decodeBody(bytes, 64 << 20).text.charCodeAt(0), 0x3c, 'the BOM is dropped');
});

test('decodeBodyParts with a preferred cut: parts end before the marker when one is near, else before any "<"', () => {
  const pkg = (i: number) => `<SOFTWARES><NAME>p${i}</NAME><VERSION>${'1.'.repeat(i % 50)}</VERSION></SOFTWARES>\n`;
  const text = `<REQUEST><CONTENT>${Array.from({ length: 3000 }, (_, i) => pkg(i)).join('')}<HARDWARE><NAME>${'x'.repeat(30_000)}</NAME></HARDWARE></CONTENT></REQUEST>`;
  const marker = Buffer.from('<SOFTWARES>');
  const d = decodeBodyParts(deflateSync(text), 64 << 20, 4096, marker);
  assert.equal(d.parts.join(''), text);
  assert.ok(d.parts.length > 10);
  // every part but the last (the long HARDWARE run has no marker within reach) starts with a package
  assert.ok(d.parts.slice(1, -1).every((p) => p.startsWith('<SOFTWARES>')), 'cut before the marker');
  assert.ok(d.parts.slice(0, -2).every((p) => p.length < 4096 + 12 * 1024 + 200), 'a part runs at most the slack past its size');
  // the reader gives the same tree from these parts, with reuse, as from the whole text
  const reuse = createXmlReuse(['softwares']);
  for (const round of [1, 2]) assert.deepEqual(parseXml(d.parts, ctx.limits, reuse), parseXml(text, ctx.limits), `round ${round}`);
});

test('decodeBodyParts refuses invalid UTF-8 wherever it is, and too large bodies, as decodeBody does', () => {
  const good = Buffer.from('<R>' + '<A>x</A>'.repeat(2000) + '</R>');
  for (const at of [1, 5000, good.length - 2]) {
    // a lone continuation byte, and a lead byte cut off by the "<" that follows
    for (const bad of [Buffer.from([0x80]), Buffer.from([0xc3])]) {
      const body = Buffer.concat([good.subarray(0, at), bad, good.subarray(at)]);
      for (const size of [1, 100, 48 * 1024]) {
        assert.throws(() => decodeBodyParts(deflateSync(body), 64 << 20, size), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_BAD_ENCODING');
      }
      assert.throws(() => decodeBody(deflateSync(body), 64 << 20), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_BAD_ENCODING');
    }
  }
  assert.throws(() => decodeBodyParts(deflateSync(Buffer.alloc(1 << 20, 0x20)), 1000), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_TOO_LARGE');
});
