/**
 * Agent protocol over inject(), on every dialect: every recorded exchange of the real OCS and FusionInventory
 * agents replays with the answers the agents expect; no spurious changes on a re-run; one edited package
 * version gives exactly one change; CHECKSUM-unflagged sections keep their data; GLPI JSON CONTACT + inventory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { ocsFullXml, recordedRequests, recordedXml, scenarios } from '../../../test/helpers/corpus.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';

const sharedSkip = skipUnless(hasShared, '../shared corpus not present');

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string; softwareCount: number; deviceId: string; tag: string | null; os: { name: string } }

const post = (s: TestServer, body: Buffer, headers: Record<string, string> = {}, url = '/ocsinventory') =>
  s.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-compress', ...headers }, payload: body });

const xmlReply = (body: Buffer) => (body.length && body[0] === 0x78 ? inflateSync(body).toString('utf8') : body.toString('utf8'));

for (const dialect of testDialects()) {
  describe(`agent protocols on ${dialect}`, { skip: sharedSkip || (await dialectSkip(dialect)) }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(async () => s?.close());

    test('every recorded exchange gets the answer its agent expects', async () => {
      for (const scenario of scenarios()) {
        if (scenario.includes('basicauth')) continue; // covered below with auth on
        for (const r of recordedRequests(scenario)) {
          const res = await post(s, r.body, r.headers, '/ocsinventory');
          assert.equal(res.statusCode, 200, `${scenario}/${r.seq} ${r.query}: ${res.body}`);
          if (r.query === 'PROLOG') assert.match(xmlReply(res.rawPayload), /<RESPONSE>SEND<\/RESPONSE><PROLOG_FREQ>24<\/PROLOG_FREQ>/);
          if (r.query === 'INVENTORY') assert.match(xmlReply(res.rawPayload), /<RESPONSE>(NO_)?ACCOUNT_UPDATE<\/RESPONSE>/);
          if (r.query === 'DOWNLOAD' || r.query === 'SNMP') assert.equal(res.rawPayload.length, 0);
          // FusionInventory --no-compression cannot read a zlib reply: plain in, plain out.
          if (scenario === 'fusion-nocompress') {
            assert.equal(res.headers['content-type'], 'application/xml');
            assert.ok(res.body.startsWith('<?xml'));
          }
        }
      }
      const list = await s.api<Page<Asset>>('/assets?limit=100');
      assert.equal(list.status, 200);
      const vm = list.body.items.filter((a) => a.hostname === 'vm');
      assert.ok(vm.length >= 1, 'the captured VM is an asset');
      const full = list.body.items.find((a) => a.softwareCount === 909);
      assert.ok(full, 'an asset holds the 909 packages');
      const sw = await s.api<Page<{ name: string; origin: string }>>(`/assets/${full.id}/software?limit=500`);
      assert.equal(sw.body.items.length, 500);
      assert.ok(sw.body.nextCursor);
      const sw2 = await s.api<Page<{ name: string }>>(`/assets/${full.id}/software?limit=500&cursor=${sw.body.nextCursor}`);
      assert.equal(sw.body.items.length + sw2.body.items.length, 909);
      const detail = await s.api<{ interfaces: { name: string; ipv4: string[] }[]; os: { name: string } }>(`/assets/${full.id}`);
      assert.match(detail.body.os.name ?? '', /Debian/);
      assert.ok(detail.body.interfaces.some((i) => i.name === 'eth0' && i.ipv4.includes('192.0.2.2')));
      const rejected = await s.api<Page<unknown>>('/receipts?outcome=rejected');
      assert.equal(rejected.body.items.length, 0, JSON.stringify(rejected.body.items));
    });

    test('Basic auth: challenge, then accepted with the agent\'s own credentials', async () => {
      const auth = await startTestServer(dialect, { agents: { basicAuth: { user: 'ocsuser', password: 'ocspass', realm: 'OCS Inventory' } } });
      try {
        for (const scenario of ['ocs-basicauth', 'fusion-basicauth']) {
          for (const r of recordedRequests(scenario)) {
            const res = await post(auth, r.body, r.headers);
            if (r.headers.authorization) assert.equal(res.statusCode, 200, `${scenario}/${r.seq}`);
            else {
              assert.equal(res.statusCode, 401, `${scenario}/${r.seq}`);
              assert.equal(res.headers['www-authenticate'], 'Basic realm="OCS Inventory"');
            }
          }
        }
        const bad = await post(auth, recordedRequests('ocs-full')[0]!.body, { authorization: 'Basic ' + Buffer.from('ocsuser:wrong').toString('base64') });
        assert.equal(bad.statusCode, 401);
      } finally {
        await auth.close();
      }
    });

    test('a re-run adds no spurious change; one edited version gives exactly that change', async () => {
      const fresh = await startTestServer(dialect);
      try {
        const xml = ocsFullXml();
        const send = (text: string) => post(fresh, deflateSync(Buffer.from(text)), { 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' });
        assert.equal((await send(xml)).statusCode, 200);
        const [asset] = (await fresh.api<Page<Asset>>('/assets')).body.items;
        assert.ok(asset);
        const changes = async () => (await fresh.api<Page<{ kind: string; subject: string; oldValue: string; newValue: string }>>(`/assets/${asset.id}/changes?limit=500`)).body.items;
        assert.deepEqual((await changes()).map((c) => c.kind), ['asset_created']);
        assert.equal((await send(xml)).statusCode, 200);
        assert.deepEqual((await changes()).map((c) => c.kind), ['asset_created'], 'identical re-run: no change entry');

        const m = /<NAME>bash<\/NAME>\s*<PUBLISHER>[^<]*<\/PUBLISHER>\s*<VERSION>([^<]+)<\/VERSION>/.exec(xml);
        assert.ok(m, 'bash is in the capture');
        const edited = xml.replace(m[0], m[0].replace(`<VERSION>${m[1]}</VERSION>`, `<VERSION>${m[1]}+vigie1</VERSION>`));
        assert.equal((await send(edited)).statusCode, 200);
        const after = await changes();
        assert.equal(after.length, 2);
        assert.equal(after[0]!.kind, 'software_upgraded');
        assert.match(after[0]!.subject, /^bash/);
        assert.equal(after[0]!.oldValue, m[1]);
        assert.equal(after[0]!.newValue, `${m[1]}+vigie1`);
        assert.equal((await fresh.api<Asset>(`/assets/${asset.id}`)).body.softwareCount, 909);

        // The real re-run capture flags only HARDWARE and DRIVES (CHECKSUM 513): software stays as stored.
        const rerun = recordedXml('ocs-rerun', '002').replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${asset.deviceId}</DEVICEID>`).replace(/<SOFTWARES>[\s\S]*<\/SOFTWARES>/, '');
        assert.equal((await send(rerun)).statusCode, 200);
        assert.equal((await fresh.api<Asset>(`/assets/${asset.id}`)).body.softwareCount, 909);
        const kinds = (await changes()).map((c) => c.kind);
        assert.ok(!kinds.includes('software_removed'), 'unflagged SOFTWARES keep their stored rows');
      } finally {
        await fresh.close();
      }
    });

    test('blocked device: PROLOG answers STOP, inventory refused, TAG pushed back as ACCOUNT_UPDATE', async () => {
      const t = await startTestServer(dialect);
      try {
        const xml = ocsFullXml();
        await post(t, deflateSync(Buffer.from(xml)));
        const [asset] = (await t.api<Page<Asset>>('/assets')).body.items;
        assert.ok(asset);
        const tagged = await t.api<Asset>(`/assets/${asset.id}`, { method: 'PATCH', body: { tag: 'LAB-PARIS-01' } });
        assert.equal(tagged.status, 200);
        const inv = await post(t, deflateSync(Buffer.from(xml)));
        assert.match(xmlReply(inv.rawPayload), /<RESPONSE>ACCOUNT_UPDATE<\/RESPONSE><ACCOUNTINFO><KEYNAME>TAG<\/KEYNAME><KEYVALUE>LAB-PARIS-01<\/KEYVALUE><\/ACCOUNTINFO>/);
        await t.api(`/assets/${asset.id}`, { method: 'PATCH', body: { status: 'blocked' } });
        const prolog = await post(t, deflateSync(Buffer.from(`<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>${asset.deviceId}</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>`)));
        assert.match(xmlReply(prolog.rawPayload), /<RESPONSE>STOP<\/RESPONSE>/);
        assert.equal((await post(t, deflateSync(Buffer.from(xml)))).statusCode, 403);
      } finally {
        await t.close();
      }
    });

    test('GLPI native JSON: CONTACT then inventory, zlib, gzip and plain, GLPI-Agent-ID identity', async () => {
      const t = await startTestServer(dialect);
      try {
        const agentId = '3a8a5b8e-1f2c-4d5e-9f00-0123456789ab';
        const contact = { action: 'contact', deviceid: 'glpi-host-2024-01-02-03-04-05', name: 'GLPI-Agent', version: '1.7', 'installed-tasks': ['inventory'] };
        const headers = { 'glpi-agent-id': agentId, 'user-agent': 'GLPI-Agent_v1.7' };
        const c = await t.app.inject({ method: 'POST', url: '/', headers: { ...headers, 'content-type': 'application/x-compress-zlib' }, payload: deflateSync(JSON.stringify(contact)) });
        assert.equal(c.statusCode, 200);
        assert.equal(c.headers['content-type'], 'application/x-compress-zlib');
        const contactReply = JSON.parse(inflateSync(c.rawPayload).toString()) as { status: string; expiration: number };
        assert.equal(contactReply.status, 'ok');
        assert.ok(contactReply.expiration > 0);
        const content = { hardware: { name: 'glpi-host' }, operatingsystem: { name: 'Ubuntu', version: '24.04' }, softwares: [{ name: 'curl', version: '8.5.0-2ubuntu10', from: 'deb', arch: 'amd64' }] };
        const inv = { action: 'inventory', deviceid: contact.deviceid, itemtype: 'Computer', content };
        const g = await t.app.inject({ method: 'POST', url: '/', headers: { ...headers, 'content-type': 'application/x-compress-gzip' }, payload: gzipSync(JSON.stringify(inv)) });
        assert.equal(g.statusCode, 200, g.body);
        const p = await t.app.inject({ method: 'POST', url: '/glpi', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ ...inv, deviceid: 'renamed-2024-01-02-03-04-05' }) });
        assert.equal(p.statusCode, 200);
        assert.deepEqual(JSON.parse(p.body), { status: 'ok', expiration: 24 });
        const list = (await t.api<Page<Asset>>('/assets')).body.items;
        assert.equal(list.length, 1, 'same GLPI-Agent-ID → same asset');
        assert.equal(list[0]!.softwareCount, 1);
      } finally {
        await t.close();
      }
    });

    test('the API is never anonymous; OpenAPI and metrics are served', async () => {
      const anon = await s.app.inject({ method: 'GET', url: '/api/v1/assets' });
      assert.equal(anon.statusCode, 401);
      assert.equal((anon.json() as { error: { code: string } }).error.code, 'API_UNAUTHORIZED');
      const bad = await s.app.inject({ method: 'GET', url: '/api/v1/assets', headers: { authorization: 'Bearer nope' } });
      assert.equal(bad.statusCode, 401);
      const spec = await s.app.inject({ method: 'GET', url: '/api/openapi.json' });
      const doc = spec.json() as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.0.3');
      for (const p of ['/api/v1/assets', '/api/v1/assets/{id}', '/api/v1/assets/{id}/software', '/api/v1/assets/{id}/changes', '/api/v1/software', '/api/v1/stats']) assert.ok(doc.paths[p], p);
      assert.equal((await s.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode, 200);
      const metrics = await s.app.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, /vigie_agent_messages_total/);
      assert.match(metrics.body, /vigie_ingest_duration_seconds_bucket/);
      const stats = await s.api<{ assets: { total: number } }>('/stats');
      assert.ok(stats.body.assets.total >= 1);
      const badQuery = await s.api<{ error: { code: string } }>('/assets?limit=100000');
      assert.equal(badQuery.status, 400);
      assert.equal(badQuery.body.error.code, 'API_BAD_REQUEST');
    });
  });
}
