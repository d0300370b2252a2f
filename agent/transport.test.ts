/**
 * TLS of the agent transport against an https server on 127.0.0.1 with a throw-away certificate (openssl):
 * verified with --ca, refused without it, refused when the pinned SHA-256 differs, and `--check` naming the step.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { hasCommand, skipUnless } from '../test/helpers/components.js';
import { recordedContext } from '../test/helpers/collector-context.js';
import { parseAgentConfig } from './config.js';
import { openSession, runCheck } from './run.js';
import { OcsClient, TransportError } from './transport.js';

describe('TLS verification and pinning', { skip: skipUnless(hasCommand('openssl'), 'openssl not installed') }, () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  let ca: Buffer;
  let fingerprint: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(ca).fingerprint256;
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (_req, res) => {
      _req.resume();
      _req.on('end', () => res.end(deflateSync(Buffer.from('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>'))));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://localhost:${(server.address() as AddressInfo).port}/ocsinventory`;
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const prolog = '<REQUEST><DEVICEID>h-2026-11-29-03-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>';

  test('trusted with --ca, pinned fingerprint accepted (with or without colons)', async () => {
    for (const pin of [fingerprint, fingerprint.replace(/:/g, '').toLowerCase()]) {
      const c = new OcsClient({ url, userAgent: 'x', ca, pinSha256: pin });
      assert.match(await c.send(prolog), /SEND/);
      c.close();
    }
  });

  test('refused without the CA, and with another pin', async () => {
    const noCa = new OcsClient({ url, userAgent: 'x' });
    await assert.rejects(noCa.send(prolog), (e: unknown) => e instanceof TransportError && e.step === 'tls');
    noCa.close();
    const badPin = new OcsClient({ url, userAgent: 'x', ca, pinSha256: '00'.repeat(32) });
    await assert.rejects(badPin.send(prolog), (e: unknown) => e instanceof TransportError && e.step === 'tls' && /pinned/.test(e.message));
    badPin.close();
  });

  test('through an HTTP proxy: CONNECT tunnel for https (TLS still verified end to end), absolute URI for http', async () => {
    const connects: string[] = [];
    const forwarded: string[] = [];
    const proxy = http.createServer((req, res) => {
      // Plain HTTP through the proxy: the request line holds the absolute URL.
      forwarded.push(req.url ?? '');
      const target = new URL(req.url ?? '');
      const up = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    proxy.on('connect', (req, socket: net.Socket, head) => {
      connects.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const plain = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(deflateSync(Buffer.from('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>'))));
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const viaTunnel = new OcsClient({ url, userAgent: 'x', ca, proxy: proxyUrl });
      assert.match(await viaTunnel.send(prolog), /SEND/);
      viaTunnel.close();
      assert.deepEqual(connects, [`localhost:${new URL(url).port}`]);
      const badPin = new OcsClient({ url, userAgent: 'x', ca, proxy: proxyUrl, pinSha256: '00'.repeat(32) });
      await assert.rejects(badPin.send(prolog), (e: unknown) => e instanceof TransportError && e.step === 'tls');
      badPin.close();
      const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/ocsinventory`;
      const viaProxy = new OcsClient({ url: plainUrl, userAgent: 'x', proxy: proxyUrl });
      assert.match(await viaProxy.send(prolog), /SEND/);
      viaProxy.close();
      assert.deepEqual(forwarded, [plainUrl]);
    } finally {
      proxy.close();
      plain.close();
    }
  });

  test('--check: dns, tcp, tls, prolog; a wrong pin fails at tls', async () => {
    const ok = await runCheck(openSession(parseAgentConfig({ server: url, ca: join(dir, 'cert.pem'), stateDir: dir }), { ctx: recordedContext('debian-12') }));
    assert.deepEqual(ok.map((s) => `${s.step}:${s.ok}`), ['dns:true', 'tcp:true', 'tls:true', 'prolog:true']);
    const bad = await runCheck(openSession(parseAgentConfig({ server: url, ca: join(dir, 'cert.pem'), pinSha256: 'ab'.repeat(32), stateDir: dir }), { ctx: recordedContext('debian-12') }));
    assert.deepEqual(bad.map((s) => `${s.step}:${s.ok}`), ['dns:true', 'tcp:true', 'tls:false']);
    const closed = await runCheck(openSession(parseAgentConfig({ server: 'http://127.0.0.1:9/ocsinventory', stateDir: dir, timeoutSeconds: 3 }), { ctx: recordedContext('debian-12') }));
    assert.deepEqual(closed.map((s) => `${s.step}:${s.ok}`), ['dns:true', 'tcp:false']);
  });
});
