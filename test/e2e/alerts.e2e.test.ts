/**
 * Alerts end to end, on each dialect, with real receivers on 127.0.0.1: the digest reaches an SMTP server and
 * its sections match the database; SMTP down → delivered exactly once when it is back; a node dying between
 * send and acknowledgement → re-sent with the same Message-ID; two nodes (two pools) over 20 periods → one
 * digest per channel per period; rules dedup, batch, resolve/reopen and respect quiet hours; the API.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema, type VigieConfig } from '../../server/config/schema.js';
import { openDatabase, type Db } from '../../server/db/index.js';
import { createToken } from '../../server/db/repositories/tokens.js';
import { buildApp } from '../../server/http/app.js';
import { createJobRunner } from '../../server/jobs/index.js';
import { evaluateRules, flushAlerts } from '../../server/alerts/evaluate.js';
import { alertJobs, evaluateAfterIngest } from '../../server/alerts/service.js';
import { JobQueue } from '../../server/jobs/queue.js';
import { JobRunner } from '../../server/jobs/runner.js';
import { webhookSignature } from '../../server/alerts/channels/webhook.js';
import { DAY, SLOT, iso, seed } from '../helpers/alerts-fixture.js';
import { createTestDb, dialectSkip, testDialects } from '../helpers/db.js';
import { decodeHeader, flattenMime, parseMime, startHttp, startSmtp, type SmtpReceiver } from '../helpers/receivers.js';


function makeConfig(url: string, smtpPort: number, hookUrl: string, extra: Record<string, unknown> = {}): VigieConfig {
  return configSchema.parse({
    db: { url },
    server: { logLevel: 'silent' },
    jobs: { nodeId: 'unused' },
    alerts: {
      channels: {
        mail: { type: 'email', host: '127.0.0.1', port: smtpPort, security: 'none', from: 'vigie@example.org', to: ['secops@example.org', 'it@example.org'], attachCsv: true, timeoutSeconds: 5 },
        hook: { type: 'webhook', url: `${hookUrl}/digest`, secret: 'hmac-key', timeoutSeconds: 5 },
      },
      digest: { channels: ['mail', 'hook'], lang: 'en' },
      retryBaseSeconds: 30,
      ...extra,
    },
  });
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

for (const dialect of testDialects()) {
  test(`alerts end to end (${dialect})`, async (t) => {
    const skip = await dialectSkip(dialect);
    if (skip) return t.skip(skip);
    const tdb = await createTestDb(dialect);
    let smtp: SmtpReceiver = await startSmtp();
    const hook = await startHttp();
    const second: Db = openDatabase(tdb.url); // node B's own pool / connection
    let clock = SLOT + 20_000;
    const now = () => new Date(clock);
    const config = makeConfig(tdb.url, smtp.port, hook.url);
    const nodeA = createJobRunner(tdb.db, config, { now, nodeId: 'node-a' });
    const nodeB = createJobRunner(second, config, { now, nodeId: 'node-b' });
    try {
      await seed(tdb.db);

      await t.test('the digest reaches the SMTP server; every section matches the database', async () => {
        await nodeA.pass();
        assert.equal(smtp.messages.length, 1);
        const m = smtp.messages[0]!;
        assert.deepEqual(m.to.sort(), ['it@example.org', 'secops@example.org']);
        const mime = parseMime(m.raw);
        assert.match(mime.headers['message-id']!, /^<vigie\.[0-9a-f]{24}\.[0-9a-f]{12}@example\.org>$/); // sender's domain
        assert.match(decodeHeader(mime.headers.subject!), /^Vigie digest .*: 1 new CVE\(s\), 1 critical open, 2 KEV in fleet$/);
        const parts = flattenMime(mime);
        const text = parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body.toString('utf8').replace(/\r\n/g, '\n');
        const html = parts.find((p) => p.headers['content-type']?.startsWith('text/html'))!.body.toString('utf8');
        const png = parts.find((p) => p.headers['content-type']?.startsWith('image/png'))!;
        assert.equal(png.headers['content-id'], '<trend>');
        assert.equal(png.body.subarray(1, 4).toString('ascii'), 'PNG');
        assert.match(html, /src="cid:trend"/);
        const csv = parts.find((p) => p.headers['content-type']?.startsWith('text/csv'))!.body.toString('utf8');
        assert.match(csv, /^section,cve,/);
        assert.match(csv, /new,CVE-2024-3094,title of CVE-2024-3094,critical,10,0.86,1,2024-04-19,2/);

        // Figures from the database, compared with what the mail says.
        const k = tdb.db.kysely;
        const total = (await k.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
        assert.match(text, new RegExp(`Assets: ${Number(total)} · active 5 · stale \\(not seen for 7 days\\) 1 · blocked 0`));
        assert.match(text, /By kind: computer 5, network 1/);
        assert.match(text, /New assets \(1\)\n {2}- new-1 \(computer, Ubuntu\)/);
        assert.match(text, /Disappeared \(went stale in the period\) \(1\)\n {2}- old-1/);
        assert.match(text, /Agents whose inventories failed \(1\)\n {2}- bad-agent-2026-01-01-00-00-00: 2 failures \(INVENTORY_MALFORMED: bad xml\)/);
        assert.match(text, /New since the previous digest \(1\)\n {2}- CVE-2024-3094 · title of CVE-2024-3094 · CVSS 10\.0 · EPSS 86\.0 % · KEV \(due 2024-04-19\) · 2 assets/);
        assert.match(text, /Fixed since the previous digest \(1\)\n {2}- CVE-2021-44228 · title of CVE-2021-44228 · 1 assets fixed/);
        assert.match(text, /Top assets by risk \(3\)\n {2}- web-1: risk 42\.8 · 2 open · 1 critical · 1 KEV\n {2}- web-2: risk 37\.2/);
        assert.match(text, /Top CVEs by affected assets \(3\)\n {2}- CVE-2024-3094 .* 2 assets/);
        assert.match(text, /Known exploited \(CISA KEV\) in the fleet \(2\)\n {2}- CVE-2024-3094 · title of CVE-2024-3094 · due 2024-04-19 OVERDUE · 2 assets\n {2}- CVE-2023-4863 · title of CVE-2023-4863 · due 2099-01-01 · 1 assets/);
        assert.match(text, /Open by severity: critical 1 CVEs \/ 2 findings, high 1 CVEs \/ 1 findings, medium 1 CVEs \/ 1 findings/);
        assert.match(text, /Knowledge base freshness ==\n {2}- circl: last successful sync 29 Nov 2026, 05:30\n {2}- nvd: last successful sync 24 Nov 2026, 07:30 STALE \(HTTP 503 from services\.nvd\.nist\.gov\)/);
        assert.match(text, /Heartbeat: this digest goes out every day/);
        const trend = /== Open findings, last 30 days ==\n([\d ]+)/.exec(text)![1]!.split(' ').map(Number);
        assert.equal(trend.length, 30);
        assert.equal(trend[29], 4); // 4 open now
        assert.equal(trend[0], 1); // 30 days ago only the 40-day-old finding (fixed since) was open
        // The webhook got the same digest, signed.
        assert.equal(hook.requests.length, 1);
        const req = hook.requests[0]!;
        assert.equal(req.headers['x-vigie-signature'], `sha256=${webhookSignature('hmac-key', req.headers['x-vigie-timestamp']!, req.body)}`);
        assert.equal((JSON.parse(req.body) as { data: { vulns: { newCvesTotal: number } } }).data.vulns.newCvesTotal, 1);
        // Audit: a delivery per channel, acknowledged.
        const deliveries = await k.selectFrom('alert_deliveries').select(['channel', 'outcome']).orderBy('channel').execute();
        assert.deepEqual(deliveries, [{ channel: 'hook', outcome: 'acknowledged' }, { channel: 'mail', outcome: 'acknowledged' }]);
        // Running again in the same slot sends nothing more.
        await Promise.all([nodeA.pass(), nodeB.pass()]);
        assert.equal(smtp.messages.length, 1);
      });

      await t.test('SMTP down at send time: retried with backoff, delivered exactly once when it is back', async () => {
        const port = smtp.port;
        await smtp.close();
        clock = SLOT + DAY + 10_000;
        await nodeA.pass();
        const row = await tdb.db.kysely.selectFrom('alert_outbox').selectAll().where('key', '=', `digest:mail:${iso(SLOT + DAY)}`).executeTakeFirstOrThrow();
        assert.equal(row.status, 'pending');
        assert.match(row.last_error!, /email via 127\.0\.0\.1/);
        clock += 10_000;
        await nodeA.pass(); // not yet due (backoff 30 s)
        assert.equal((await tdb.db.kysely.selectFrom('alert_outbox').select('attempts').where('id', '=', row.id).executeTakeFirstOrThrow()).attempts, 1);
        smtp = await startSmtp({ port });
        smtp.failNext(1); // back, but answers 451 once
        clock += 30_000;
        await Promise.all([nodeA.pass(), nodeB.pass()]);
        clock += 60_000;
        await Promise.all([nodeA.pass(), nodeB.pass()]);
        clock += 120_000;
        await Promise.all([nodeA.pass(), nodeB.pass()]);
        assert.equal(smtp.messages.length, 1);
        assert.equal(parseMime(smtp.messages[0]!.raw).headers['message-id'], row.message_id);
        const outcomes = await tdb.db.kysely.selectFrom('alert_deliveries').select('outcome').where('outbox_id', '=', row.id).orderBy('attempt').execute();
        assert.deepEqual(outcomes.map((o) => o.outcome), ['failed', 'failed', 'acknowledged']);
      });

      await t.test('a node killed between send and acknowledgement: re-sent by another node with the same Message-ID', async () => {
        smtp.messages.length = 0;
        const before = hook.requests.length;
        clock = SLOT + 2 * DAY + 10_000;
        let frozen = 0;
        // The dying node's delivery never returns after the receiver accepted: as if the process was killed there.
        const deps = alertJobs({ db: tdb.db, config, node: 'node-dying', afterSend: () => { frozen++; return new Promise<void>(() => undefined); } });
        const dying = new JobRunner(new JobQueue(tdb.db, config.jobs, now, 'node-dying'), config.jobs, { ...deps, now });
        void dying.pass(); // builds the digest into the outbox, sends the first message, then "dies"
        await waitFor(() => frozen === 1, 'the dying node sent its first message');
        assert.equal(smtp.messages.length + hook.requests.length - before, 1);
        const first = smtp.messages[0] ?? null;
        clock += (config.alerts.leaseSeconds + 1) * 1000;
        await nodeB.pass();
        const rows = await tdb.db.kysely.selectFrom('alert_outbox').select(['key', 'status', 'message_id']).where('period', '=', iso(SLOT + 2 * DAY)).orderBy('key').execute();
        assert.deepEqual(rows.map((r) => r.status), ['sent', 'sent']);
        if (first) {
          assert.equal(smtp.messages.length, 2, 'the unavoidable duplicate');
          const ids = smtp.messages.map((m) => parseMime(m.raw).headers['message-id']);
          assert.equal(ids[0], ids[1]);
          assert.equal(ids[0], rows.find((r) => r.key.startsWith('digest:mail'))!.message_id);
        } else {
          const keys = hook.requests.slice(before).map((r) => r.headers['idempotency-key']);
          assert.equal(keys.length, 2);
          assert.equal(keys[0], keys[1]);
        }
        const audit = await tdb.db.kysely.selectFrom('alert_deliveries').select(['node', 'outcome']).where('node', '=', 'node-dying').execute();
        assert.deepEqual(audit.map((a) => a.outcome), ['abandoned'], 'the dead node\'s attempt is marked abandoned by the node that took over');
      });

      await t.test('two nodes on two pools, scheduled at the same minute, 20 periods: one digest per channel per period', async () => {
        smtp.messages.length = 0;
        hook.requests.length = 0;
        const start = SLOT + 10 * DAY;
        for (let p = 0; p < 20; p++) {
          clock = start + p * DAY + 5_000;
          await Promise.all([nodeA.pass(), nodeB.pass()]);
          await Promise.all([nodeA.pass(), nodeB.pass()]);
        }
        const periods = smtp.messages.map((m) => parseMime(m.raw).headers['message-id']);
        assert.equal(smtp.messages.length, 20);
        assert.equal(new Set(periods).size, 20);
        assert.equal(hook.requests.length, 20);
        assert.equal(new Set(hook.requests.map((r) => (JSON.parse(r.body) as { data: { period: { key: string } } }).data.period.key)).size, 20);
        const perNode = await tdb.db.kysely.selectFrom('alert_deliveries').select(['node']).where('started_at', '>=', iso(start)).execute();
        assert.equal(perNode.length, 40);
        const jobs = await tdb.db.kysely.selectFrom('jobs').select('key').where('name', '=', 'alerts.digest').execute();
        assert.equal(new Set(jobs.map((j) => j.key)).size, jobs.length);
      });

      await t.test('rules: 200 KEV findings make one message; dedup; resolve and reopen alert again; quiet hours hold', async () => {
        hook.requests.length = 0;
        const rulesConfig = makeConfig(tdb.url, smtp.port, hook.url, {
          rules: [
            { id: 'exploited', type: 'finding-kev', channels: ['hook'] },
            { id: 'disks', type: 'disk-usage', percent: 90, channels: ['hook'] },
            { id: 'backups', type: 'service-stopped', services: ['bacula-fd'], channels: ['hook'] },
            { id: 'silent', type: 'asset-unseen', days: 7, channels: ['hook'] },
            { id: 'unknown-snmp', type: 'snmp-unknown-device', channels: ['hook'] },
            { id: 'kb', type: 'kb-sync-failing', hours: 24, channels: ['hook'] },
          ],
          quietHours: { start: '22:00', end: '07:00' },
        });
        const k = tdb.db.kysely;
        const base = 1000;
        const t0 = Date.parse('2026-12-20T12:00:00Z');
        clock = t0;
        await k.insertInto('assets').values(Array.from({ length: 200 }, (_, i) => ({ id: base + i, hostname: `pc-${i}`, kind: 'computer', source_format: 'test', status: 'active', software_count: 0, first_seen_at: iso(clock - DAY), last_seen_at: iso(clock), updated_at: iso(clock) }))).execute();
        await k.insertInto('findings').values(Array.from({ length: 200 }, (_, i) => ({ asset_id: base + i, vulnerability_id: 'CVE-2023-4863', software_name: 'libwebp', software_version: '1.3.1', matcher: 'test', confidence: 1, status: 'open', evidence: '{}', first_seen_at: iso(clock), last_seen_at: iso(clock) }))).execute();
        await k.insertInto('asset_volumes').values({ asset_id: 1, mount: '/var', total_mb: 10_000, free_mb: 500, extra: '{}' }).execute();
        await k.insertInto('asset_services').values({ asset_id: 3, name: 'bacula-fd', state: 'stopped', extra: '{}' }).execute();
        const first = await evaluateAfterIngest({ db: tdb.db, config: rulesConfig }, now());
        const byRule = Object.fromEntries(first.map((r) => [r.rule, r.raised]));
        assert.deepEqual(byRule, { exploited: 203, disks: 1, backups: 1, silent: 6, 'unknown-snmp': 1, kb: 2 }); // KEV: 200 + db-1 (4863) + web-1/web-2 (3094); silent: the 6 seeded assets
        assert.deepEqual((await evaluateRules(second, rulesConfig.alerts, now())).map((r) => r.raised), [0, 0, 0, 0, 0, 0], 'second evaluation (other node) raises nothing');
        assert.deepEqual(await flushAlerts(tdb.db, rulesConfig.alerts, now(), { lang: 'en' }), [], 'the batching window is still open');
        clock = t0 + 5 * 60_000;
        const keys = await flushAlerts(tdb.db, rulesConfig.alerts, now(), { lang: 'en' });
        assert.equal(keys.length, 1);
        assert.deepEqual(await flushAlerts(second, rulesConfig.alerts, now(), { lang: 'en' }), []);
        const runner = createJobRunner(tdb.db, rulesConfig, { now, nodeId: 'node-r' });
        await runner.pass();
        assert.equal(hook.requests.length, 1, 'one message for 214 events');
        const body = JSON.parse(hook.requests[0]!.body) as { kind: string; items: { code: string; fields: Record<string, unknown> }[] };
        assert.equal(body.kind, 'alert');
        assert.equal(body.items.length, 214);
        assert.equal(body.items.filter((i) => i.code === 'exploited').length, 203);

        // Fixed then reopened: a resolved event, then a new raise (episode 2).
        await k.updateTable('findings').set({ status: 'fixed', resolved_at: iso(clock) }).where('asset_id', '=', base).execute();
        let r = await evaluateRules(tdb.db, rulesConfig.alerts, now());
        assert.equal(r[0]!.resolved, 1);
        await k.updateTable('findings').set({ status: 'open', resolved_at: null }).where('asset_id', '=', base).execute();
        r = await evaluateRules(tdb.db, rulesConfig.alerts, now());
        assert.equal(r[0]!.raised, 1);
        const episodes = await k.selectFrom('alert_events').select(['kind', 'event_key']).where('dedup_key', '=', `${base}:CVE-2023-4863`).orderBy('id').execute();
        assert.deepEqual(episodes.map((e) => e.event_key), [`exploited|${base}:CVE-2023-4863|1|raised`, `exploited|${base}:CVE-2023-4863|1|resolved`, `exploited|${base}:CVE-2023-4863|2|raised`]);

        // Quiet hours (22:00–07:00 Paris): held, then sent when they end.
        clock = Date.parse('2026-12-20T23:30:00Z');
        assert.deepEqual(await flushAlerts(tdb.db, rulesConfig.alerts, now(), { lang: 'en' }), []);
        clock = Date.parse('2026-12-21T06:01:00Z'); // 07:01 Paris
        assert.equal((await flushAlerts(tdb.db, rulesConfig.alerts, now(), { lang: 'en' })).length, 1);
      });

      await t.test('API: channels, test send (audited), outbox, deliveries, digest preview', async () => {
        hook.requests.length = 0;
        const app = await buildApp(config, { db: tdb.db, logger: false });
        try {
          const { token } = await createToken(tdb.db.kysely, 'alerts-test');
          const call = (method: 'GET' | 'POST', url: string) => app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });
          const ch = (await call('GET', '/alerts/channels')).json() as { items: { name: string; target: string; digest: boolean }[] };
          assert.deepEqual(ch.items.map((c) => c.name), ['mail', 'hook']);
          assert.ok(!JSON.stringify(ch).includes('hmac-key'), 'no secret in the reply');
          const res = await call('POST', '/alerts/channels/hook/test');
          assert.equal(res.statusCode, 200);
          const body = res.json() as { outcome: string; messageId: string };
          assert.equal(body.outcome, 'acknowledged');
          assert.equal(hook.requests.at(-1)!.headers['idempotency-key'], body.messageId.slice(1, -1));
          assert.equal((await call('POST', '/alerts/channels/nope/test')).statusCode, 404);
          const outbox = (await call('GET', '/alerts/outbox?kind=test')).json() as { items: { status: string }[]; counts: Record<string, number> };
          assert.equal(outbox.items[0]!.status, 'sent');
          const deliveries = (await call('GET', '/alerts/deliveries?limit=5')).json() as { items: { outcome: string; channel: string }[] };
          assert.equal(deliveries.items[0]!.channel, 'hook');
          const preview = await call('GET', '/alerts/digest/preview?format=html&lang=fr');
          assert.match(preview.body, /<html lang="fr">/);
          assert.match(preview.body, /battement de cœur/i); // "heartbeat" line: capitalised or not depending on what is new
          const json = (await call('GET', '/alerts/digest/preview')).json() as { fleet: { total: number } };
          assert.equal(json.fleet.total, 206);
        } finally {
          await app.close();
        }
      });
    } finally {
      await second.close();
      await smtp.close();
      await hook.close();
      await tdb.drop();
    }
  });
}
