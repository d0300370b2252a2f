/**
 * Transport-level promises of the server: HTTPS with the configured certificate, per-address rate limit on agent
 * endpoints, and raw payload download from a receipt (byte-identical to what the agent sent).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { hasCommand, skipUnless } from '../../test/helpers/components.js';
import { startTestServer } from '../../test/helpers/app.js';
import { testConfig } from '../../test/helpers/config.js';
import { createTestDb } from '../../test/helpers/db.js';
import { buildApp } from './app.js';

const prolog = deflateSync('<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>pc-2026-11-29-10-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>');

describe('server transport', () => {
  test('HTTPS with the configured certificate (agents verify the FQDN)', { skip: skipUnless(hasCommand('openssl'), 'openssl CLI not installed') }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=vigie.test', '-addext', 'subjectAltName=DNS:vigie.test,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const tdb = await createTestDb('sqlite');
      const cfg = testConfig(tdb.url);
      const app = await buildApp({ ...cfg, server: { ...cfg.server, tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') } }, { db: tdb.db, logger: false });
      const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
      try {
        const res = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: url.port, path: '/ocsinventory', method: 'POST', ca: readFileSync(join(dir, 'cert.pem')), servername: 'vigie.test', headers: { 'content-type': 'application/x-compress' } }, (r) => {
            const parts: Buffer[] = [];
            r.on('data', (c: Buffer) => parts.push(c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(parts) }));
          });
          req.on('error', reject);
          req.end(prolog);
        });
        assert.equal(url.protocol, 'https:');
        assert.equal(res.status, 200);
      } finally {
        await app.close();
        await tdb.drop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('agent endpoints are rate-limited per address', async () => {
    const s = await startTestServer('sqlite', { agents: { rateLimitPerMinute: 3 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: prolog, remoteAddress: '192.0.2.50' })).statusCode);
      assert.deepEqual(codes, [200, 200, 200, 429, 429]);
      const other = await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: prolog, remoteAddress: '192.0.2.51' });
      assert.equal(other.statusCode, 200, 'another address has its own budget');
    } finally {
      await s.close();
    }
  });

  test('a receipt\'s raw payload downloads byte-identical', async () => {
    const s = await startTestServer('sqlite');
    try {
      const body = deflateSync('<?xml version="1.0" encoding="UTF-8" ?><REQUEST><CONTENT><HARDWARE><NAME>pc</NAME></HARDWARE><SOFTWARES><NAME>bash</NAME><VERSION>5.2</VERSION></SOFTWARES></CONTENT><DEVICEID>pc-2026-11-29-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>');
      assert.equal((await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: body })).statusCode, 200);
      const [r] = (await s.api<{ items: { id: number; sha256: string; hasPayload: boolean; outcome: string }[] }>('/receipts?outcome=accepted')).body.items;
      assert.ok(r?.hasPayload);
      const dl = await s.app.inject({ method: 'GET', url: `/api/v1/receipts/${r.id}/payload`, headers: { authorization: `Bearer ${s.token}` } });
      assert.equal(dl.statusCode, 200);
      assert.equal(createHash('sha256').update(dl.rawPayload).digest('hex'), r.sha256);
      assert.equal(createHash('sha256').update(body).digest('hex'), r.sha256);
    } finally {
      await s.close();
    }
  });
});
