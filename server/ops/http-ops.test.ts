/**
 * Operations around the HTTP server: X-Forwarded-For believed only from server.trustedProxies, request ids in
 * log lines and the x-request-id header, the /api/v1/ops/flows routes (loopback targets only), and the TLS
 * certificate reload on SIGHUP (files swapped, old certificate kept when the new pair is bad).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import { test } from 'node:test';
import { createTestDb } from '../../test/helpers/db.js';
import { makeTestCa } from '../../test/helpers/tls.js';
import { configSchema } from '../config/schema.js';
import { createToken } from '../db/repositories/tokens.js';
import { buildApp } from '../http/app.js';
import { FlowMonitor } from './flows/monitor.js';
import { startOps } from './server-start.js';

const LO = '127.0.0.1';

function logSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { stream, lines };
}

test('X-Forwarded-For is believed from a trusted proxy only; request ids reach logs and the response', async () => {
  const tdb = await createTestDb('sqlite');
  const config = configSchema.parse({ db: { url: tdb.url }, server: { trustedProxies: ['10.0.0.5/32'] }, network: { dnsServers: [LO] } });
  const sink = logSink();
  const app = await buildApp(config, { db: tdb.db, logger: { level: 'info', stream: sink.stream } });
  app.get('/test/ip', async (req) => {
    req.log.info({ probe: true }, 'who is calling');
    return { ip: req.ip };
  });
  try {
    await app.ready();
    const viaProxy = await app.inject({ url: '/test/ip', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req-from-proxy-42' } });
    assert.equal(viaProxy.json<{ ip: string }>().ip, '203.0.113.7');
    assert.equal(viaProxy.headers['x-request-id'], 'req-from-proxy-42');
    const direct = await app.inject({ url: '/test/ip', remoteAddress: '10.0.0.6', headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(direct.json<{ ip: string }>().ip, '10.0.0.6', 'a client that is not a trusted proxy cannot choose its address');
    const id = direct.headers['x-request-id'];
    assert.ok(typeof id === 'string' && id.length > 0);
    const probes = sink.lines.filter((l) => l.probe === true);
    assert.deepEqual(probes.map((l) => l.reqId), ['req-from-proxy-42', id]);
    assert.ok(probes.every((l) => typeof l.time === 'number' && l.msg === 'who is calling'), 'JSON lines from pino');
  } finally {
    await app.close();
    await tdb.drop();
  }
  const untrusting = await buildApp(configSchema.parse({ network: { dnsServers: [LO] } }), { db: (await createTestDb('sqlite')).db, logger: false });
  untrusting.get('/test/ip', async (req) => ({ ip: req.ip }));
  const r = await untrusting.inject({ url: '/test/ip', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.7' } });
  assert.equal(r.json<{ ip: string }>().ip, '10.0.0.5', 'no trusted proxies: X-Forwarded-For is ignored');
  await untrusting.close();
});

test('GET /api/v1/ops/flows gives the matrix; POST …/check runs the check (admin only)', async () => {
  const tcp = net.createServer((s) => s.destroy());
  await new Promise<void>((ok) => tcp.listen(0, LO, ok));
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((ok) => udp.bind(0, LO, ok));
  const closedUdp = udp.address().port;
  await new Promise<void>((ok) => udp.close(() => ok()));
  const tdb = await createTestDb('sqlite');
  const config = configSchema.parse({
    db: { url: tdb.url },
    server: { logLevel: 'silent' },
    network: { dnsServers: [`${LO}:${closedUdp}`], agentNetworks: [{ name: 'LAN', cidrs: ['10.1.0.0/16'] }], checkTimeoutMs: 1000 },
    kb: { sources: [] }, // the default sources are real Internet hosts: never a test target
    alerts: { channels: { hook: { type: 'webhook', url: `http://${LO}:${(tcp.address() as net.AddressInfo).port}/x` } } },
  });
  const app = await buildApp(config, { db: tdb.db, logger: false });
  const admin = (await createToken(tdb.db.kysely, 'admin', 'admin')).token;
  const viewer = (await createToken(tdb.db.kysely, 'viewer', 'viewer')).token;
  try {
    const list = await app.inject({ url: '/api/v1/ops/flows?lang=fr', headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(list.statusCode, 200);
    const body = list.json<{ columns: string[]; rows: { id: string; sourceName: string }[]; lastCheck: unknown }>();
    assert.equal(body.columns[0], 'Nom source');
    assert.deepEqual(body.rows.map((r) => r.id), ['listeners:agents-1', `dns:${LO}:${closedUdp}`, 'webhooks:hook']);
    assert.equal(body.lastCheck, null);
    const denied = await app.inject({ method: 'POST', url: '/api/v1/ops/flows/check', headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(denied.statusCode, 403);
    const check = await app.inject({ method: 'POST', url: '/api/v1/ops/flows/check', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(check.statusCode, 200, check.body);
    const rep = check.json<{ ok: boolean; trigger: string; results: { id: string; status: string }[] }>();
    assert.equal(rep.ok, false);
    assert.equal(rep.trigger, 'api');
    assert.deepEqual(Object.fromEntries(rep.results.map((r) => [r.id, r.status])), { 'listeners:agents-1': 'skipped', [`dns:${LO}:${closedUdp}`]: 'refused', 'webhooks:hook': 'ok' });
    const spec = (await app.inject({ url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    assert.ok(spec.paths['/api/v1/ops/flows'] && spec.paths['/api/v1/ops/flows/check'], 'both routes are in the OpenAPI document');
    const again = await app.inject({ url: '/api/v1/ops/flows', headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(again.json<{ lastCheck: { trigger: string } }>().lastCheck.trigger, 'api');

    // a channel stored from the web UI gets its flow in the matrix and in the check
    const tcpPort = (tcp.address() as net.AddressInfo).port;
    const created = await app.inject({ method: 'POST', url: '/api/v1/alerts/channels', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'ui-log', config: { type: 'syslog', host: LO, port: tcpPort, transport: 'tcp' } }) });
    assert.equal(created.statusCode, 200, created.body);
    const withStored = (await app.inject({ url: '/api/v1/ops/flows', headers: { authorization: `Bearer ${viewer}` } })).json<{ rows: { id: string; destinationAddresses: string[]; protocolPort: string }[] }>();
    assert.deepEqual(withStored.rows.map((r) => r.id), ['listeners:agents-1', `dns:${LO}:${closedUdp}`, 'webhooks:hook', 'syslog:ui-log']);
    assert.deepEqual(withStored.rows.at(-1)!.protocolPort, `${tcpPort}/tcp`);
    const recheck = (await app.inject({ method: 'POST', url: '/api/v1/ops/flows/check', headers: { authorization: `Bearer ${admin}` } })).json<{ results: { id: string; status: string }[] }>();
    assert.equal(recheck.results.find((r) => r.id === 'syslog:ui-log')?.status, 'ok');
  } finally {
    await app.close();
    await tdb.drop();
    tcp.close();
  }
});

function peerFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: LO, port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.on('error', reject);
  });
}

test('SIGHUP reloads the TLS certificate; a bad pair keeps the old one', async () => {
  const ca = makeTestCa();
  const a = ca.issue('a', ['localhost', LO]);
  const b = ca.issue('b', ['localhost', LO]);
  const live = { cert: `${ca.dir}/live.pem`, key: `${ca.dir}/live.key` };
  copyFileSync(a.certFile, live.cert);
  copyFileSync(a.keyFile, live.key);
  const tdb = await createTestDb('sqlite');
  const config = configSchema.parse({ db: { url: tdb.url }, server: { host: LO, port: 0, tlsCert: live.cert, tlsKey: live.key }, network: { dnsServers: [LO], checkAtStartup: false } });
  const sink = logSink();
  const app = await buildApp(config, { db: tdb.db, logger: { level: 'info', stream: sink.stream } });
  await app.listen({ host: LO, port: 0 });
  const undo = startOps(app, config, new FlowMonitor(config));
  const port = (app.server.address() as net.AddressInfo).port;
  const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
  try {
    assert.equal(await peerFingerprint(port, ca.caPem), fp(a.cert));
    copyFileSync(b.certFile, live.cert);
    copyFileSync(b.keyFile, live.key);
    process.kill(process.pid, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await peerFingerprint(port, ca.caPem), fp(b.cert));
    assert.ok(sink.lines.some((l) => l.msg === 'TLS certificate reloaded'));
    copyFileSync(a.keyFile, live.key); // cert b with key a: must be refused
    process.kill(process.pid, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await peerFingerprint(port, ca.caPem), fp(b.cert));
    assert.ok(sink.lines.some((l) => l.msg === 'TLS reload failed: keeping the previous certificate'));
  } finally {
    undo();
    await app.close();
    await tdb.drop();
  }
});
