/** /api/v1/stats/trends: per-UTC-day inventories (accepted/rejected) and new assets, on every dialect. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import type { StatsTrendsReply } from '../../../common/api/trends.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';

for (const dialect of testDialects()) {
  describe(`stats trends on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(async () => s?.close());

    test('counts per UTC day over the window, zero days included', async () => {
      const k = s.tdb.db.kysely;
      const day = (offset: number, hh = '10:00:00') => {
        const d = new Date(Date.now() - offset * 86_400_000);
        return `${d.toISOString().slice(0, 10)}T${hh}.000Z`;
      };
      const receipt = (at: string, outcome: string) => ({ received_at: at, protocol: 'ocs', size_bytes: 10, sha256: 'x', outcome });
      await k.insertInto('inventory_receipts').values([
        receipt(day(0, '00:00:01'), 'accepted'), receipt(day(0, '23:59:58'), 'accepted'), receipt(day(0), 'rejected'),
        receipt(day(3), 'accepted'), receipt(day(3), 'answered'), receipt(day(40), 'accepted'),
      ]).execute();
      const asset = (at: string, name: string) => ({ hostname: name, kind: 'computer', source_format: 'ocs-xml', status: 'active', first_seen_at: at, last_seen_at: at, updated_at: at, software_count: 0 });
      await k.insertInto('assets').values([asset(day(3), 'a'), asset(day(3), 'b'), asset(day(50), 'c')]).execute();
      const res = await s.api<z.infer<typeof StatsTrendsReply>>('/stats/trends?days=30');
      assert.equal(res.status, 200);
      const days = res.body.days;
      assert.equal(days.length, 30);
      assert.equal(days.at(-1)!.date, new Date().toISOString().slice(0, 10));
      assert.deepEqual(days.at(-1), { date: day(0).slice(0, 10), inventories: 2, rejected: 1, newAssets: 0 });
      assert.deepEqual(days.at(-4), { date: day(3).slice(0, 10), inventories: 1, rejected: 0, newAssets: 2 });
      assert.equal(days.reduce((n, d) => n + d.inventories, 0), 3, 'day 40 is outside the window');
      assert.equal((await s.api('/stats/trends?days=0')).status, 400);
    });
  });
}
