/**
 * Hostile payloads, on every dialect: each is refused with a 4xx and a reason, a receipt records it, the asset
 * ingested before is byte-for-byte unchanged through the API, and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { ocsFullXml } from '../../../test/helpers/corpus.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';

const DEVICE = 'vm-2026-11-28-17-56-57';
const wrap = (content: string, query = 'INVENTORY', device = DEVICE) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><CONTENT>${content}</CONTENT><DEVICEID>${device}</DEVICEID><QUERY>${query}</QUERY></REQUEST>`;
const z = (s: string | Buffer) => deflateSync(typeof s === 'string' ? Buffer.from(s) : s);

interface Case {
  name: string;
  body: () => Buffer;
  status: number;
  code: string;
  headers?: Record<string, string>;
}

const LIMITS = { maxInflatedBytes: 8 * 1024 * 1024, maxBodyBytes: 2 * 1024 * 1024, maxSoftware: 100_000 };

const cases: Case[] = [
  { name: 'XXE external entity', status: 400, code: 'INVENTORY_FORBIDDEN_MARKUP', body: () => z(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${wrap('<HARDWARE><NAME>&x;</NAME></HARDWARE>')}`) },
  {
    name: 'billion laughs', status: 400, code: 'INVENTORY_FORBIDDEN_MARKUP',
    body: () => z(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>${wrap('<HARDWARE><NAME>&lol3;</NAME></HARDWARE>')}`),
  },
  { name: 'undeclared entity', status: 400, code: 'INVENTORY_FORBIDDEN_MARKUP', body: () => z(wrap('<HARDWARE><NAME>&foo;</NAME></HARDWARE>')) },
  { name: 'parameter entity / external DTD', status: 400, code: 'INVENTORY_FORBIDDEN_MARKUP', body: () => z(`<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">${wrap('')}`) },
  { name: 'zlib bomb (64× over the inflate cap)', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => deflateSync(Buffer.alloc(LIMITS.maxInflatedBytes * 2, 0x20), { level: 9 }) },
  { name: 'gzip bomb', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => gzipSync(Buffer.alloc(LIMITS.maxInflatedBytes * 2, 0x41), { level: 9 }) },
  { name: 'raw deflate bomb', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => deflateRawSync(Buffer.alloc(LIMITS.maxInflatedBytes * 2, 0x41), { level: 9 }) },
  { name: 'body over the compressed cap', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => Buffer.alloc(LIMITS.maxBodyBytes + 1024, 0x41) },
  { name: 'truncated zlib stream', status: 400, code: 'INVENTORY_BAD_ENCODING', body: () => z(ocsFullXml()).subarray(0, 5000) },
  { name: 'random bytes', status: 400, code: 'INVENTORY_BAD_ENCODING', body: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)) },
  { name: 'invalid UTF-8', status: 400, code: 'INVENTORY_BAD_ENCODING', body: () => z(Buffer.concat([Buffer.from(wrap('<HARDWARE><NAME>')), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('</NAME></HARDWARE>')])) },
  { name: 'empty body', status: 400, code: 'INVENTORY_MALFORMED', body: () => Buffer.alloc(0) },
  { name: 'missing QUERY', status: 400, code: 'INVENTORY_UNKNOWN_QUERY', body: () => z(`<REQUEST><DEVICEID>${DEVICE}</DEVICEID><CONTENT/></REQUEST>`) },
  { name: 'unknown QUERY', status: 400, code: 'INVENTORY_UNKNOWN_QUERY', body: () => z(wrap('', 'DROP_TABLES')) },
  { name: 'INVENTORY without DEVICEID', status: 400, code: 'INVENTORY_BAD_DEVICEID', body: () => z('<REQUEST><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><NAME>x</NAME></HARDWARE></CONTENT></REQUEST>') },
  { name: 'DEVICEID not in agent format', status: 400, code: 'INVENTORY_BAD_DEVICEID', body: () => z(wrap('<HARDWARE><NAME>x</NAME></HARDWARE>', 'INVENTORY', "vm' OR 1=1 --")) },
  { name: 'root is not REQUEST', status: 400, code: 'INVENTORY_MALFORMED', body: () => z('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>') },
  { name: 'mismatched tags', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(wrap('<HARDWARE><NAME>x</NAMES></HARDWARE>')) },
  { name: 'truncated XML', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(ocsFullXml().slice(0, 100_000)) },
  { name: 'nesting 1000 deep', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => z(wrap('<A>'.repeat(1000) + '</A>'.repeat(1000))) },
  { name: '1 MB field value', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => z(wrap(`<HARDWARE><NAME>${'A'.repeat(1024 * 1024)}</NAME></HARDWARE>`)) },
  {
    name: '200,000 software entries', status: 413, code: 'INVENTORY_TOO_LARGE',
    body: () => z(wrap('<HARDWARE><NAME>vm</NAME></HARDWARE>' + Array.from({ length: 200_000 }, (_, i) => `<SOFTWARES><NAME>p${i}</NAME><VERSION>1</VERSION></SOFTWARES>`).join(''))),
  },
  { name: 'INVENTORY without CONTENT', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(`<REQUEST><DEVICEID>${DEVICE}</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>`) },
  { name: 'unterminated CDATA', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(wrap('<HARDWARE><NAME><![CDATA[abc</NAME></HARDWARE>')) },
  { name: 'JSON: not JSON', status: 400, code: 'INVENTORY_MALFORMED', body: () => z('{"action": "inventory", '), headers: { 'content-type': 'application/x-compress-zlib' } },
  { name: 'JSON: nesting 10,000 deep', status: 413, code: 'INVENTORY_TOO_LARGE', body: () => z(`{"action":"inventory","deviceid":"${DEVICE}","content":${'['.repeat(10_000)}${']'.repeat(10_000)}}`) },
  { name: 'JSON: unknown action', status: 400, code: 'INVENTORY_UNKNOWN_QUERY', body: () => z(`{"action":"rm -rf","deviceid":"${DEVICE}"}`) },
  { name: 'JSON: inventory without content', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(`{"action":"inventory","deviceid":"${DEVICE}"}`) },
  { name: 'JSON: content is a list', status: 400, code: 'INVENTORY_MALFORMED', body: () => z(`{"action":"inventory","deviceid":"${DEVICE}","content":[{"softwares":[]}]}`) },
  { name: 'JSON: top level is a list', status: 400, code: 'INVENTORY_MALFORMED', body: () => z('[{"action":"inventory"}]') },
];

for (const dialect of testDialects()) {
  describe(`hostile payloads on ${dialect}`, { skip: skipUnless(hasShared, '../shared corpus not present') || (await dialectSkip(dialect)) }, () => {
    let s: TestServer;
    let snapshot: string;
    let assetId: number;
    before(async () => {
      s = await startTestServer(dialect, { agents: LIMITS });
      const ok = await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: z(ocsFullXml().replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${DEVICE}</DEVICEID>`)) });
      assert.equal(ok.statusCode, 200, ok.body);
      assetId = (await s.api<{ items: { id: number }[] }>('/assets')).body.items[0]!.id;
      snapshot = await state();
    });
    after(async () => s?.close());

    async function state(): Promise<string> {
      const detail = (await s.api<Record<string, unknown>>(`/assets/${assetId}`)).body;
      const sw = (await s.api<{ items: unknown[] }>(`/assets/${assetId}/software?limit=500`)).body;
      const changes = (await s.api<{ items: unknown[] }>(`/assets/${assetId}/changes`)).body;
      return JSON.stringify({ detail, sw, changes });
    }

    test(`${cases.length} hostile payloads are refused with a reason`, async (t) => {
      assert.ok(cases.length >= 20);
      for (const c of cases) {
        await t.test(c.name, async () => {
          const res = await s.app.inject({ method: 'POST', url: '/ocsinventory', headers: { 'content-type': 'application/x-compress', ...c.headers }, payload: c.body() });
          assert.equal(res.statusCode, c.status, `${c.name}: ${res.body.slice(0, 300)}`);
          assert.ok(res.body.includes(c.code), `${c.name}: expected ${c.code} in ${res.body.slice(0, 300)}`);
          const health = await s.app.inject({ method: 'GET', url: '/healthz' });
          assert.equal(health.statusCode, 200);
          const last = (await s.api<{ items: { outcome: string; errorCode: string; errorMessage: string }[] }>('/receipts?limit=1')).body.items[0];
          assert.equal(last?.outcome, 'rejected');
          assert.equal(last?.errorCode, c.code);
          assert.ok(last?.errorMessage);
        });
      }
      assert.equal(await state(), snapshot, 'the asset is exactly as before');
    });
  });
}
