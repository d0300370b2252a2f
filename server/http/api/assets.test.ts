/**
 * The read API on every dialect: filters, sorts and cursor pages that visit every asset once, stale status,
 * fleet software counts, manual merge of duplicates, 404/400 with the error shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, deflateSync, gunzipSync, inflateSync } from 'node:zlib';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { ocsFullXml } from '../../../test/helpers/corpus.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string; status: string; deviceId: string | null; softwareCount: number; mergedIntoId: number | null }

for (const dialect of testDialects()) {
  describe(`assets API on ${dialect}`, { skip: skipUnless(hasShared, '../shared corpus not present') || (await dialectSkip(dialect)) }, () => {
    let s: TestServer;
    const N = 7;
    before(async () => {
      s = await startTestServer(dialect);
      const xml = ocsFullXml();
      for (let i = 0; i < N; i++) {
        const host = `ws-${String(i).padStart(2, '0')}`;
        const text = xml.replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${host}-2026-11-29-10-00-0${i}</DEVICEID>`).replace('<NAME>vm</NAME>', `<NAME>${host}</NAME>`)
          .replace(/<NAME>bash<\/NAME>(\s*<PUBLISHER>[^<]*<\/PUBLISHER>\s*<VERSION>)([^<]+)/, (_m, mid: string, v: string) => `<NAME>bash</NAME>${mid}${i < 3 ? v : v + '+local1'}`);
        const res = await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: deflateSync(text) });
        assert.equal(res.statusCode, 200);
      }
      // ws-00 was last seen 30 days ago: stale under the default 7 days.
      await s.tdb.db.kysely.updateTable('assets').set({ last_seen_at: new Date(Date.now() - 30 * 86_400_000).toISOString() }).where('hostname', '=', 'ws-00').execute();
    });
    after(async () => s?.close());

    test('cursor pages visit every asset exactly once, in order, for each sort', async () => {
      for (const sort of ['hostname', '-hostname', 'lastSeen', '-lastSeen', 'id', '-id']) {
        const seen: Asset[] = [];
        let cursor: string | null = null;
        do {
          const r: { body: Page<Asset> } = await s.api<Page<Asset>>(`/assets?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...r.body.items);
          cursor = r.body.nextCursor;
        } while (cursor);
        assert.equal(seen.length, N, sort);
        assert.equal(new Set(seen.map((a) => a.id)).size, N, sort);
        if (sort === 'hostname') assert.deepEqual(seen.map((a) => a.hostname), [...seen.map((a) => a.hostname)].sort());
      }
    });

    test('filters: name, os, status stale/active, seenSince', async () => {
      assert.equal((await s.api<Page<Asset>>('/assets?name=WS-0')).body.items.length, N);
      assert.equal((await s.api<Page<Asset>>('/assets?name=ws-03')).body.items.length, 1);
      assert.equal((await s.api<Page<Asset>>('/assets?os=debian')).body.items.length, N);
      assert.equal((await s.api<Page<Asset>>('/assets?os=windows')).body.items.length, 0);
      const stale = (await s.api<Page<Asset>>('/assets?status=stale')).body.items;
      assert.deepEqual(stale.map((a) => a.hostname), ['ws-00']);
      assert.equal((await s.api<Page<Asset>>('/assets?status=active')).body.items.length, N - 1);
      const since = new Date(Date.now() - 86_400_000).toISOString();
      assert.equal((await s.api<Page<Asset>>(`/assets?seenSince=${since}`)).body.items.length, N - 1);
      assert.equal((await s.api<Page<Asset>>('/assets?name=%25')).body.items.length, 0, 'LIKE wildcards are escaped');
    });

    test('fleet software: versions with asset counts, and the assets behind one', async () => {
      const bash = (await s.api<Page<{ name: string; version: string; assets: number }>>('/software?name=bash&limit=10')).body.items.filter((r) => r.name === 'bash');
      assert.equal(bash.length, 2);
      assert.deepEqual(bash.map((b) => b.assets).sort(), [3, 4]);
      const local = bash.find((b) => b.version.endsWith('+local1'))!;
      const who = (await s.api<Page<{ hostname: string }>>(`/software/assets?name=bash&version=${encodeURIComponent(local.version)}`)).body.items;
      assert.deepEqual(who.map((w) => w.hostname).sort(), ['ws-03', 'ws-04', 'ws-05', 'ws-06']);
      const stats = (await s.api<{ assets: { total: number; stale: number }; software: { installations: number } }>('/stats')).body;
      assert.equal(stats.assets.total, N);
      assert.equal(stats.assets.stale, 1);
      assert.equal(stats.software.installations, N * 909);
    });

    test('API replies are compressed for clients that accept it; agent replies keep their own encoding', async () => {
      const id = (await s.api<Page<Asset>>('/assets?limit=1&sort=id')).body.items[0]!.id;
      const url = `/api/v1/assets/${id}/software?limit=500`;
      const plain = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.token}` } });
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: plain JSON');
      for (const [accept, encoding, inflate] of [['gzip', 'gzip', gunzipSync], ['br, gzip', 'br', brotliDecompressSync]] as const) {
        const res = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.token}`, 'accept-encoding': accept } });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-encoding'], encoding);
        const body = inflate(res.rawPayload);
        assert.ok(res.rawPayload.length * 4 < body.length, `expected the ${body.length}-byte list to shrink at least 4×, got ${res.rawPayload.length} bytes`);
        assert.deepEqual(JSON.parse(body.toString('utf8')), plain.json());
      }
      // The OCS agent sends Accept-Encoding too (LWP); its reply stays the zlib body it expects, with no Content-Encoding.
      const prolog = deflateSync('<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>ws-00-2026-11-29-10-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>');
      const agent = await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: prolog, headers: { 'content-type': 'application/x-compress', 'accept-encoding': 'gzip' } });
      assert.equal(agent.statusCode, 200);
      assert.equal(agent.headers['content-encoding'], undefined);
      assert.match(inflateSync(agent.rawPayload).toString('utf8'), /<RESPONSE>SEND<\/RESPONSE>/);
    });

    test('manual merge folds a duplicate into its target', async () => {
      const all = (await s.api<Page<Asset>>('/assets?limit=50&sort=id')).body.items;
      const [target, dup] = [all[1]!, all[2]!];
      const merged = await s.api<Asset & { identifiers: { kind: string; value: string }[] }>(`/assets/${target.id}/merge`, { method: 'POST', body: { from: dup.id } });
      assert.equal(merged.status, 200);
      assert.ok(merged.body.identifiers.some((i) => i.kind === 'deviceId' && i.value === dup.deviceId), 'the duplicate\'s device id now finds the target');
      const tomb = (await s.api<Asset>(`/assets/${dup.id}`)).body;
      assert.equal(tomb.status, 'merged');
      assert.equal(tomb.mergedIntoId, target.id);
      assert.equal((await s.api<Page<Asset>>('/assets?limit=50')).body.items.length, N - 1);
      const changes = (await s.api<Page<{ kind: string }>>(`/assets/${target.id}/changes`)).body.items.map((c) => c.kind);
      assert.ok(changes.includes('merged'));
      const again = await s.api<{ error: { code: string } }>(`/assets/${target.id}/merge`, { method: 'POST', body: { from: dup.id } });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'ASSET_MERGE_INVALID');
    });

    test('errors: unknown asset 404, bad cursor 400, unknown body key 400', async () => {
      const nf = await s.api<{ error: { code: string; message: string } }>('/assets/999999');
      assert.equal(nf.status, 404);
      assert.equal(nf.body.error.code, 'API_NOT_FOUND');
      assert.equal((await s.api('/assets?cursor=bm9wZQ')).status, 400);
      assert.equal((await s.api('/assets/1', { method: 'PATCH', body: { owner: 'x' } })).status, 400);
    });
  });
}
