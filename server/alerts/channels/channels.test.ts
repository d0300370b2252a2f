/**
 * Each channel against a real receiver on 127.0.0.1: SMTP (smtp-server, AUTH, several recipients, text + HTML
 * + inline PNG + CSV), webhooks (generic with HMAC and Idempotency-Key, Slack, Teams, Mattermost), syslog
 * RFC 5424 over UDP and TCP (text and CEF). Also: every channel file is registered.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, skipUnless } from '../../../test/helpers/components.js';
import { decodeHeader, flattenMime, parseMime, selfSignedCert, startHttp, startSmtp, startSyslogTcp, startSyslogUdp } from '../../../test/helpers/receivers.js';
import { crc32, lineChartPng } from '../digest/chart.js';
import type { AlertMessage, SendContext } from '../types.js';
import { email, emailConfig } from './email.js';
import { channelConfig, channels } from './index.js';
import { syslog, syslogConfig } from './syslog.js';
import { webhook, webhookConfig, webhookSignature } from './webhook.js';

const png = lineChartPng([{ values: [1, 3, 2, 5], color: [200, 0, 0] }]).png;
const message: AlertMessage = {
  kind: 'alert',
  subject: 'Vigie : 2 alertes (CVE-2024-3094, …)',
  severity: 'critical',
  text: 'deux alertes\n- CVE-2024-3094 sur web-1',
  html: '<p>deux alertes <img src="cid:trend"></p>',
  items: [
    { severity: 'critical', code: 'exploited', text: 'web-1: CVE-2024-3094 (KEV) in xz-utils 5.6.0', fields: { cve: 'CVE-2024-3094', asset: 'web-1', kev: true } },
    { severity: 'warning', code: 'disks', text: 'db-1: /var 93.0 % used', fields: { asset: 'db-1', mount: '/var', usedPercent: 93 } },
  ],
  images: [{ cid: 'trend', filename: 'trend-30d.png', contentType: 'image/png', base64: png.toString('base64') }],
  attachments: [{ filename: 'x.csv', contentType: 'text/csv; charset=utf-8', content: 'cve,assets\r\nCVE-2024-3094,1\r\n' }],
  data: { hello: 'world' },
};
const ctx: SendContext = { messageId: '<vigie.abc123@vigie>', idempotencyKey: 'vigie.abc123@vigie', now: new Date('2026-11-29T06:30:00Z') };

test('every channel file is registered, and ids match their config type', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts'].includes(f) && !f.endsWith('.test.ts'));
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), channels.ids().sort());
  assert.equal(channelConfig.parse({ type: 'syslog', host: '127.0.0.1' }).type, 'syslog');
  assert.throws(() => emailConfig.parse({ type: 'email', host: 'h', from: 'a@b', to: [], extra: 1 }));
});

test('the chart is a valid PNG (signature, chunk CRCs, inflatable IDAT of the right size)', () => {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let idat = Buffer.alloc(0);
  let width = 0;
  let height = 0;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.subarray(off + 4, off + 8).toString('ascii');
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(png.readUInt32BE(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)), `CRC of ${type}`);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat = Buffer.concat([idat, data]);
    off += 12 + len;
  }
  assert.equal(inflateSync(idat).length, (width * 3 + 1) * height);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926); // the CRC-32 check value
});

let smtp: Awaited<ReturnType<typeof startSmtp>>;
before(async () => void (smtp = await startSmtp({ user: 'vigie', password: 's3cret' })));
after(() => smtp.close());

test('email: AUTH, several recipients, text + HTML + inline PNG + CSV, fixed Message-ID', async () => {
  const cfg = emailConfig.parse({ type: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', user: 'vigie', password: 's3cret', from: 'vigie@example.org', to: ['a@example.org', 'b@example.org'], cc: ['c@example.org'], attachCsv: true });
  const r = await email.send(message, cfg, ctx);
  assert.match(r.response, /250/);
  const m = smtp.messages.at(-1)!;
  assert.equal(m.user, 'vigie');
  assert.deepEqual(m.to.sort(), ['a@example.org', 'b@example.org', 'c@example.org']);
  const mime = parseMime(m.raw);
  assert.equal(mime.headers['message-id'], ctx.messageId);
  assert.equal(decodeHeader(mime.headers.subject!), message.subject);
  const parts = flattenMime(mime);
  assert.match(parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body.toString('utf8'), /CVE-2024-3094 sur web-1/);
  assert.match(parts.find((p) => p.headers['content-type']?.startsWith('text/html'))!.body.toString('utf8'), /cid:trend/);
  const img = parts.find((p) => p.headers['content-type']?.startsWith('image/png'))!;
  assert.equal(img.headers['content-id'], '<trend>');
  assert.ok(img.body.equals(png));
  assert.ok(parts.some((p) => p.headers['content-type']?.startsWith('multipart/related')));
  assert.match(parts.find((p) => p.headers['content-type']?.startsWith('text/csv'))!.body.toString('utf8'), /CVE-2024-3094,1/);
});

test('email: wrong password and STARTTLS required on a plain server both fail with CHANNEL_DELIVERY_FAILED', async () => {
  const base = { type: 'email', host: '127.0.0.1', port: smtp.port, from: 'vigie@example.org', to: ['a@example.org'], timeoutSeconds: 5 };
  await assert.rejects(email.send(message, emailConfig.parse({ ...base, security: 'none', user: 'vigie', password: 'nope' }), ctx), /CHANNEL|email via/);
  await assert.rejects(email.send(message, emailConfig.parse({ ...base, security: 'starttls', user: 'vigie', password: 's3cret' }), ctx), /email via 127\.0\.0\.1/);
});

test('webhook: generic JSON signed with HMAC-SHA256 and carrying the idempotency key', async () => {
  const rx = await startHttp();
  try {
    const cfg = webhookConfig.parse({ type: 'webhook', url: `${rx.url}/hook`, secret: 'k3y', headers: { 'x-api-key': 'abc' } });
    await webhook.send(message, cfg, ctx);
    const req = rx.requests[0]!;
    assert.equal(req.headers['idempotency-key'], ctx.idempotencyKey);
    assert.equal(req.headers['x-api-key'], 'abc');
    assert.equal(req.headers['x-vigie-signature'], `sha256=${webhookSignature('k3y', req.headers['x-vigie-timestamp']!, req.body)}`);
    const body = JSON.parse(req.body) as { id: string; items: unknown[]; data: unknown };
    assert.equal(body.id, ctx.idempotencyKey);
    assert.equal(body.items.length, 2);
    assert.deepEqual(body.data, { hello: 'world' });
  } finally {
    await rx.close();
  }
});

test('webhook: Slack, Teams and Mattermost shapes; a 5xx is a failure', async () => {
  let code = 200;
  const rx = await startHttp(() => code);
  try {
    for (const format of ['slack', 'teams', 'mattermost'] as const) await webhook.send(message, webhookConfig.parse({ type: 'webhook', url: rx.url, format }), ctx);
    const [slack, teams, mm] = rx.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    assert.equal((slack!.blocks as { type: string }[])[0]!.type, 'header');
    assert.equal(((teams!.attachments as { contentType: string }[])[0]!).contentType, 'application/vnd.microsoft.card.adaptive');
    assert.match(String(mm!.text), /^#### Vigie/);
    code = 503;
    await assert.rejects(webhook.send(message, webhookConfig.parse({ type: 'webhook', url: rx.url }), ctx), /expected a 2xx answer, found 503/);
  } finally {
    await rx.close();
  }
});

const rfc5424 = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[[^\]]*\]) (.*)$/s;

test('syslog: RFC 5424 over UDP, one record per item, PRI from facility and severity', async () => {
  const rx = await startSyslogUdp();
  try {
    await syslog.send(message, syslogConfig.parse({ type: 'syslog', host: '127.0.0.1', port: rx.port, hostname: 'vigie-1' }), ctx);
    for (let i = 0; i < 50 && rx.records.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const [a, b] = rx.records.map((r) => rfc5424.exec(r)!);
    assert.equal(a![1], String(16 * 8 + 2)); // local0.crit
    assert.equal(b![1], String(16 * 8 + 4)); // local0.warning
    assert.equal(a![2], ctx.now.toISOString());
    assert.equal(a![3], 'vigie-1');
    assert.equal(a![6], 'exploited');
    assert.equal(a![7], `[vigie@32473 id="${ctx.idempotencyKey}" item="0"]`);
    assert.match(a![8]!, /CVE-2024-3094/);
  } finally {
    await rx.close();
  }
});

test('syslog: TCP with octet counting, CEF body', async () => {
  const rx = await startSyslogTcp();
  try {
    await syslog.send(message, syslogConfig.parse({ type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'tcp', format: 'cef' }), ctx);
    for (let i = 0; i < 50 && rx.records.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rx.records.length, 2);
    const body = rfc5424.exec(rx.records[0]!)![8]!;
    assert.match(body, /^CEF:0\|Vigie\|Vigie\|[^|]+\|exploited\|web-1: CVE-2024-3094 \(KEV\) in xz-utils 5\.6\.0\|9\|/);
    assert.match(body, /cve=CVE-2024-3094 asset=web-1 kev=true externalId=vigie\.abc123@vigie/);
  } finally {
    await rx.close();
  }
});

test('TLS: email over implicit TLS and STARTTLS, syslog over TLS, certificates checked against caFile', { skip: skipUnless(hasCommand('openssl'), 'openssl not installed') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-tls-'));
  const pki = selfSignedCert(dir);
  const servers: { close(): Promise<void> }[] = [];
  try {
    for (const implicit of [true, false]) {
      const s = await startSmtp({ user: 'u', password: 'p', tls: { key: pki.key, cert: pki.cert, implicit } });
      servers.push(s);
      const cfg = emailConfig.parse({ type: 'email', host: '127.0.0.1', port: s.port, security: implicit ? 'tls' : 'starttls', caFile: pki.certFile, user: 'u', password: 'p', from: 'vigie@example.org', to: ['a@example.org'], timeoutSeconds: 5 });
      await email.send(message, cfg, ctx);
      assert.equal(s.messages[0]!.secure, true, implicit ? 'implicit TLS' : 'STARTTLS');
      // Without the CA the self-signed certificate is refused.
      await assert.rejects(email.send(message, { ...cfg, caFile: undefined }, ctx), /self-signed|certificate/);
    }
    const rx = await startSyslogTcp({ key: pki.key, cert: pki.cert });
    servers.push(rx);
    await syslog.send(message, syslogConfig.parse({ type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'tls', caFile: pki.certFile }), ctx);
    for (let i = 0; i < 100 && rx.records.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rx.records.length, 2);
    assert.match(rx.records[0]!, rfc5424);
    await assert.rejects(syslog.send(message, syslogConfig.parse({ type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'tls' }), ctx), /self-signed|certificate/);
  } finally {
    for (const s of servers) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
