/**
 * /api/v1/stats/findings on every dialect: open-finding counts equal the lengths of the /findings lists they link
 * to, and the most vulnerable assets are ranked by critical, then high, medium, low (also when the ranking is first
 * narrowed to the assets with the most critical findings); merged assets are left out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { startTestServer } from '../../../test/helpers/app.js';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { ocsFullXml } from '../../../test/helpers/corpus.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';

type Reply = { open: Record<string, number>; kev: number; topAssets: { assetId: number; hostname: string; critical: number; high: number; medium: number; low: number; kev: number; total: number }[] };

for (const dialect of testDialects()) {
  test(`dashboard finding figures (${dialect})`, { skip: skipUnless(hasShared, '../shared corpus not present') || (await dialectSkip(dialect)) }, async () => {
    const s = await startTestServer(dialect);
    try {
      const xml = ocsFullXml();
      const ids: Record<string, number> = {};
      for (const host of ['alpha', 'bravo', 'charlie', 'delta']) {
        const text = xml.replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${host}-2026-11-29-10-00-00</DEVICEID>`).replace('<NAME>vm</NAME>', `<NAME>${host}</NAME>`);
        assert.equal((await s.app.inject({ method: 'POST', url: '/ocsinventory', payload: deflateSync(text) })).statusCode, 200);
      }
      const k = s.tdb.db.kysely;
      for (const a of await k.selectFrom('assets').select(['id', 'hostname']).execute()) ids[a.hostname!] = Number(a.id);
      const now = new Date().toISOString();
      const vuln = (id: string, severity: string, kev = 0) => ({ id, title: null, description: null, published_at: now, modified_at: now, severity, cvss_score: null, cvss_vector: null, epss: null, epss_percentile: null, kev, kev_due_date: null, withdrawn: 0, data: '{}', updated_at: now });
      await k.insertInto('vulnerabilities').values([vuln('CVE-1-C', 'critical', 1), vuln('CVE-2-H', 'high'), vuln('CVE-3-H', 'high'), vuln('CVE-4-M', 'medium'), vuln('CVE-5-L', 'low')]).execute();
      const finding = (host: string, v: string, status = 'open') => ({
        asset_id: ids[host]!, vulnerability_id: v, software_name: `pkg-${v}`, software_version: '1', software_origin: 'deb', matcher: 'cpe-range', confidence: 1,
        fixed_version: null, status, first_seen_at: now, last_seen_at: now, resolved_at: status === 'open' ? null : now, evidence: '{}',
      });
      await k.insertInto('findings').values([
        // bravo: 1 critical; alpha: 2 high + 1 low; charlie: 2 high + 1 medium (beats alpha on medium); delta: only fixed ones.
        finding('bravo', 'CVE-1-C'), finding('alpha', 'CVE-2-H'), finding('alpha', 'CVE-3-H'), finding('alpha', 'CVE-5-L'),
        finding('charlie', 'CVE-2-H'), finding('charlie', 'CVE-3-H'), finding('charlie', 'CVE-4-M'), finding('delta', 'CVE-1-C', 'fixed'),
      ]).execute();
      const r = await s.api<Reply>('/stats/findings?top=3');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const open: Record<string, number> = { ...r.body.open };
      assert.deepEqual(r.body.open, { critical: 1, high: 4, medium: 1, low: 1, none: 0 });
      assert.equal(r.body.kev, 1);
      assert.deepEqual(r.body.topAssets.map((a) => [a.hostname, a.critical, a.high, a.medium, a.low, a.kev, a.total]), [
        ['bravo', 1, 0, 0, 0, 1, 1], ['charlie', 0, 2, 1, 0, 0, 3], ['alpha', 0, 2, 0, 1, 0, 3],
      ]);
      // Each figure equals the list it links to.
      for (const sev of ['critical', 'high', 'medium', 'low']) {
        const list = await s.api<{ items: unknown[] }>(`/findings?status=open&severity=${sev}&limit=500`);
        assert.equal(list.body.items.length, open[sev], sev);
      }
      assert.equal((await s.api<{ items: unknown[] }>('/findings?status=open&kev=true&limit=500')).body.items.length, r.body.kev);
      await k.updateTable('assets').set({ status: 'merged' }).where('id', '=', ids.bravo!).execute();
      assert.deepEqual((await s.api<Reply>('/stats/findings')).body.topAssets.map((a) => a.hostname), ['charlie', 'alpha']);
      // The top is first narrowed to the assets with the most critical findings (as many as the top-th one, ties
      // included), then ranked in full: charlie and bravo tie on critical, charlie has more high ones.
      await k.updateTable('assets').set({ status: 'active' }).where('id', '=', ids.bravo!).execute();
      await k.insertInto('findings').values(finding('charlie', 'CVE-1-C')).execute();
      const top = async (n: number) => (await s.api<Reply>(`/stats/findings?top=${n}`)).body.topAssets.map((a) => [a.hostname, a.critical, a.high, a.total]);
      assert.deepEqual(await top(1), [['charlie', 1, 2, 4]]);
      assert.deepEqual(await top(2), [['charlie', 1, 2, 4], ['bravo', 1, 0, 1]]);
      assert.deepEqual(await top(3), [['charlie', 1, 2, 4], ['bravo', 1, 0, 1], ['alpha', 0, 2, 3]]); // fewer critical assets than the top: all ranked
      await k.updateTable('assets').set({ status: 'merged' }).where('id', '=', ids.charlie!).execute();
      assert.deepEqual(await top(1), [['bravo', 1, 0, 1]]);
      assert.equal((await s.api('/stats/findings?top=0')).status, 400);
    } finally {
      await s.close();
    }
  });
}
