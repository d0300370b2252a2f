/**
 * `vigie kb sync` against recorded responses served on 127.0.0.1 (testdata/cassettes/): the real HTTP client,
 * paging, retries (503/429 answered once), NVD lastMod windows and the resume cursor, on each dialect.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveCassette } from '../../test/helpers/cassette.js';
import { createTestDb, dialectSkip, testDialects } from '../../test/helpers/db.js';
import { kbConfig } from './config.js';
import { createHttpClient } from './http.js';
import { KB_TESTDATA } from '../../test/helpers/kb-importer.js';
import { kbStatus } from './status.js';
import { syncKb } from './sync.js';

const cassette = (name: string) => serveCassette(`${KB_TESTDATA}cassettes/${name}.json`, KB_TESTDATA);
const http = () => createHttpClient({ timeoutMs: 5000, retries: 2, backoffMs: 1 });

for (const dialect of testDialects()) {
  describe(`kb sync on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);

    test('CIRCL, KEV and EPSS: documents fetched, retried after a 503, imported; a second sync changes nothing', { skip }, async () => {
      const srv = await cassette('kb-sync-circl-kev-epss');
      const t = await createTestDb(dialect);
      try {
        const config = kbConfig.parse({
          sources: ['circl', 'kev', 'epss'],
          circl: { url: srv.url, delayMs: 0, last: 5, searches: ['yugabyte/yugabytedb'] },
          kev: { url: `${srv.url}/feeds/known_exploited_vulnerabilities.json` },
          epss: { url: `${srv.url}/epss_scores-current.csv.gz` },
        });
        const results = await syncKb(t.db, config, { http: http() });
        assert.deepEqual(srv.unmatched, []);
        assert.deepEqual(srv.remaining(), []);
        assert.deepEqual(results.map((r) => [r.source, r.ok, r.inputs.length]), [['circl', true, 3], ['kev', true, 1], ['epss', true, 1]]);
        assert.equal(results[1]!.requests, 2, 'KEV answered 503 once, then 200');
        const k = t.db.kysely;
        const v = await k.selectFrom('vulnerabilities').select(['id', 'kev', 'epss']).where('id', 'in', ['CVE-2024-0006', 'CVE-2026-30822']).orderBy('id').execute();
        assert.deepEqual(v.map((x) => x.id), ['CVE-2024-0006', 'CVE-2026-30822']);
        assert.ok((await k.selectFrom('vulnerability_rules').select('id').where('vulnerability_id', '=', 'CVE-2024-0006').execute()).length > 0);
        assert.ok((await k.selectFrom('distro_fixes').select('id').execute()).length > 0, 'the Debian OSV record of /api/last');
        const status = await kbStatus(t.db, { staleHours: 48 });
        for (const id of ['circl', 'kev', 'epss']) assert.ok(status.sources.find((s) => s.id === id)?.lastSuccessAt, `${id} has a last success`);
        assert.equal(status.sources.find((s) => s.id === 'epss')?.problems, 1, 'the bad CSV line');
        // Replaying the same answers: every document is already imported.
        const again = await cassette('kb-sync-circl-kev-epss');
        try {
          const cfg2 = kbConfig.parse({ ...config, circl: { ...config.circl, url: again.url }, kev: { url: `${again.url}/feeds/known_exploited_vulnerabilities.json` }, epss: { url: `${again.url}/epss_scores-current.csv.gz` } });
          const r2 = await syncKb(t.db, cfg2, { http: http() });
          assert.ok(r2.every((r) => r.ok && r.inputs.every((i) => i.status === 'unchanged')), JSON.stringify(r2));
        } finally {
          await again.close();
        }
      } finally {
        await srv.close();
        await t.drop();
      }
    });

    test('NVD API 2.0: lastMod window, paging, API key header, 429 retried, cursor resumes the next day', { skip }, async () => {
      const srv = await cassette('kb-sync-nvd-incremental');
      const t = await createTestDb(dialect);
      try {
        const config = kbConfig.parse({ sources: ['nvd'], nvd: { url: `${srv.url}/rest/json/cves/2.0`, apiKey: 'test-key', pageSize: 2, delayMs: 0, delayWithKeyMs: 0, initialDays: 7 } });
        const client = http();
        const r1 = await syncKb(t.db, config, { http: client, now: new Date('2026-03-11T00:00:00.000Z') });
        assert.equal(r1[0]!.ok, true, r1[0]!.error);
        assert.equal(r1[0]!.inputs.length, 2);
        assert.equal(r1[0]!.inputs.reduce((n, i) => n + i.records, 0), 4);
        assert.ok(srv.requests.every((r) => r.headers.apikey === 'test-key'));
        const meta = await t.db.kysely.selectFrom('kb_sources').select('meta').where('id', '=', 'nvd').executeTakeFirstOrThrow();
        assert.equal((JSON.parse(meta.meta) as { lastModEnd: string }).lastModEnd, '2026-03-11T00:00:00.000Z');
        const r2 = await syncKb(t.db, config, { http: client, now: new Date('2026-03-12T00:00:00.000Z') });
        assert.equal(r2[0]!.ok, true, r2[0]!.error);
        assert.deepEqual(srv.unmatched, []);
        assert.deepEqual(srv.remaining(), []);
        const n = await t.db.kysely.selectFrom('vulnerabilities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 4);
      } finally {
        await srv.close();
        await t.drop();
      }
    });

    test('a source whose server is down fails alone and records its error', { skip }, async () => {
      const t = await createTestDb(dialect);
      try {
        const config = kbConfig.parse({ sources: ['kev'], kev: { url: 'http://127.0.0.1:9/kev.json' } });
        const r = await syncKb(t.db, config, { http: createHttpClient({ timeoutMs: 2000, retries: 1, backoffMs: 1 }) });
        assert.equal(r[0]!.ok, false);
        const row = await t.db.kysely.selectFrom('kb_sources').selectAll().where('id', '=', 'kev').executeTakeFirstOrThrow();
        assert.match(row.last_error ?? '', /ECONNREFUSED|connect/);
      } finally {
        await t.drop();
      }
    });
  });
}

test('HTTP client: requests go through the configured proxy (absolute-URI form for http targets)', async () => {
  const srv = await cassette('kb-sync-circl-kev-epss');
  const seen: string[] = [];
  const { default: nodeHttp } = await import('node:http');
  const proxy = nodeHttp.createServer((req, res) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const up = nodeHttp.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const port = (proxy.address() as { port: number }).port;
    const client = createHttpClient({ timeoutMs: 5000, retries: 0, proxy: `http://127.0.0.1:${port}` });
    const body = await client.get(`${srv.url}/api/dbInfo`, {});
    assert.ok(JSON.parse(body.toString('utf8')).db_sizes);
    assert.deepEqual(seen, [`${srv.url}/api/dbInfo`]);
  } finally {
    await new Promise<void>((r) => proxy.close(() => r()));
    await srv.close();
  }
});
