/** /api/v1/snmp credential sets: stored encrypted, listed without secrets, used by scans in order, deleted. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { credentialsFor } from '../../snmp/scan.js';

for (const dialect of testDialects()) {
  test(`snmp credential sets via the API (${dialect})`, { skip: await dialectSkip(dialect) }, async () => {
    const s = await startTestServer(dialect);
    // a fixed key, so no snmp-secret.key is written into ./data on PostgreSQL runs (the routes share this object)
    s.config.snmp.secretKey = 'ab'.repeat(32);
    try {
      const v3 = { name: 'core', position: 1, version: 'v3', user: 'vigie', level: 'authPriv', authProtocol: 'sha256', authKey: 'auth-secret-1', privProtocol: 'aes', privKey: 'priv-secret-2' };
      assert.equal((await s.api('/snmp/credentials', { method: 'POST', body: v3 })).status, 200);
      const r = await s.api<{ items: { id: number; name: string; summary: Record<string, string> }[] }>('/snmp/credentials', { method: 'POST', body: { name: 'lan', position: 0, version: 'v2c', community: 'c0mmunity-s3cret' } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items.map((i) => i.name), ['lan', 'core'], 'ordered by position');
      const text = JSON.stringify(r.body);
      for (const secret of ['auth-secret-1', 'priv-secret-2', 'c0mmunity-s3cret']) assert.ok(!text.includes(secret), `reply leaks ${secret}`);
      const rows = await s.tdb.db.kysely.selectFrom('snmp_credentials').select(['secret', 'summary']).execute();
      for (const row of rows) for (const secret of ['auth-secret-1', 'priv-secret-2', 'c0mmunity-s3cret']) assert.ok(!row.secret.includes(secret) && !row.summary.includes(secret));
      const creds = await credentialsFor({ db: s.tdb.db, config: s.config });
      assert.deepEqual(creds.map((c) => [c.name, c.version]), [['lan', 'v2c'], ['core', 'v3']]);
      assert.equal(creds[0]!.version === 'v2c' ? creds[0]!.community : null, 'c0mmunity-s3cret');
      const bad = await s.api('/snmp/credentials', { method: 'POST', body: { name: 'x', version: 'v3', user: 'u', level: 'authPriv', authKey: 'short' } });
      assert.equal(bad.status, 400);
      const del = await s.api<{ items: unknown[] }>(`/snmp/credentials/${r.body.items[0]!.id}`, { method: 'DELETE' });
      assert.equal(del.body.items.length, 1);
      assert.equal((await s.api('/snmp/scans/999')).status, 404);
    } finally {
      await s.close();
    }
  });
}
