/** The web UI is served at / beside the agent endpoints: static files, SPA fallback, CSP, API 404s stay JSON. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../test/helpers/app.js';
import { WEB_DIST } from './web.js';

describe('web UI serving', { skip: existsSync(WEB_DIST + 'index.html') ? false : 'web/dist not built (npm run build:web; npm test builds it)' }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(async () => s?.close());

  test('GET / and client-side routes give index.html with a strict CSP', async () => {
    for (const url of ['/', '/assets/12?tab=software', '/settings']) {
      const res = await s.app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml' } });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /<div id="root">/);
      assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
      assert.doesNotMatch(res.headers['content-security-policy'] as string, /script-src[^;]*unsafe-inline/);
    }
  });

  test("index.html names the route's page chunks as module preloads, which exist", async () => {
    for (const [url, page] of [['/', 'Dashboard'], ['/assets?name=x', 'Assets'], ['/assets/12', 'Asset'], ['/vulnerabilities/CVE-2026-1', 'Vulnerabilities']] as const) {
      const html = (await s.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } })).body;
      const preloads = [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1]!);
      assert.ok(preloads.some((f) => f.startsWith(`/assets/${page}-`)), `${url}: ${preloads.join(' ')}`);
      for (const f of preloads) assert.equal((await s.app.inject({ method: 'GET', url: f })).statusCode, 200, f);
    }
    const unknown = (await s.app.inject({ method: 'GET', url: '/nowhere', headers: { accept: 'text/html' } })).body;
    assert.doesNotMatch(unknown, /pages|Dashboard-/);
  });

  test('hashed assets are cached; unknown API routes and non-HTML requests get JSON 404s', async () => {
    const html = (await s.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } })).body;
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await s.app.inject({ method: 'GET', url: js });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    const api = await s.app.inject({ method: 'GET', url: '/api/v1/nope', headers: { accept: 'text/html', authorization: `Bearer ${s.token}` } });
    assert.equal(api.statusCode, 404);
    assert.equal((api.json() as { error: { code: string } }).error.code, 'API_NOT_FOUND');
    const plain = await s.app.inject({ method: 'GET', url: '/missing.png', headers: { accept: 'image/png' } });
    assert.equal(plain.statusCode, 404);
  });

  test('assets go brotli- or gzip-compressed to browsers that accept it, plain to others', async () => {
    const html = (await s.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } })).body;
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await s.app.inject({ method: 'GET', url: js });
    assert.equal(plain.headers['content-encoding'], undefined);
    for (const [accept, encoding, decode] of [['gzip, deflate, br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync]] as const) {
      const res = await s.app.inject({ method: 'GET', url: js, headers: { 'accept-encoding': accept } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], encoding);
      assert.match(res.headers['content-type'] as string, /javascript/);
      assert.match(res.headers['cache-control'] as string, /immutable/);
      assert.match(res.headers.vary as string, /accept-encoding/i);
      assert.equal(decode(res.rawPayload).toString(), plain.body);
    }
  });

  test('POST / is still the agent endpoint', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/xml' }, payload: '<REQUEST><QUERY>PROLOG</QUERY></REQUEST>' });
    assert.notEqual(res.statusCode, 404);
    assert.doesNotMatch(res.body, /<div id="root">/);
  });
});
