/** /api/v1/kb/sources and /api/v1/vulnerabilities[/:id] on each dialect, over the importer testdata. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { caseFiles } from '../../../test/helpers/kb-importer.js';
import { importFile } from '../../kb/import.js';

interface Page { items: { id: string; kev: boolean; severity: string | null; cvssScore: number | null; epss: number | null; withdrawn: boolean }[]; nextCursor: string | null }

for (const dialect of testDialects()) {
  describe(`kb API on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);
    test('sources, list with filters and pages, CVE detail with rules and fixes, 404', { skip }, async () => {
      const s = await startTestServer(dialect);
      try {
        for (const c of ['nvd-2.0-feed-mixed', 'cve5-vulnrichment-ranges', 'kev-catalog', 'debian-tracker-json', 'epss-csv-daily']) for (const f of caseFiles(c)) await importFile(s.tdb.db, f);
        const src = await s.api<{ items: { id: string; records: number; problems: number }[]; totals: { vulnerabilities: number } }>('/kb/sources');
        assert.equal(src.status, 200);
        assert.deepEqual(src.body.items.map((i) => i.id).sort(), ['cve5', 'debian-tracker', 'epss', 'kev', 'nvd']);
        assert.equal(src.body.items.find((i) => i.id === 'epss')?.problems, 1);

        const all = await s.api<Page>('/vulnerabilities?limit=3');
        assert.equal(all.status, 200);
        assert.equal(all.body.items.length, 3);
        assert.ok(all.body.nextCursor);
        const rest = await s.api<Page>(`/vulnerabilities?limit=500&cursor=${all.body.nextCursor}`);
        const ids = [...all.body.items, ...rest.body.items].map((i) => i.id);
        assert.equal(new Set(ids).size, ids.length, 'pages do not overlap');
        assert.ok(!ids.includes('CVE-2025-33022'), 'rejected CVEs are hidden by default');
        assert.ok((await s.api<Page>('/vulnerabilities?withdrawn=true&q=CVE-2025-33022')).body.items[0]?.withdrawn);

        const kev = await s.api<Page>('/vulnerabilities?kev=true&limit=500');
        assert.ok(kev.body.items.length >= 1 && kev.body.items.every((i) => i.kev));
        const high = await s.api<Page>('/vulnerabilities?minCvss=9&sort=cvss');
        assert.ok(high.body.items.length >= 1 && high.body.items.every((i) => (i.cvssScore ?? 0) >= 9));
        const byProduct = await s.api<Page>('/vulnerabilities?vendor=palo_alto_networks&product=pan-os');
        assert.deepEqual(byProduct.body.items.map((i) => i.id), ['CVE-2024-0007']);
        assert.equal((await s.api('/vulnerabilities?minCvss=11')).status, 400);

        const d = await s.api<{ id: string; description: string; cvss: { version: string }[]; rules: { source: string; range: string; configId: string | null; vulnerable: boolean }[]; references: string[] }>('/vulnerabilities/cve-2023-47104');
        assert.equal(d.status, 200);
        assert.equal(d.body.id, 'CVE-2023-47104');
        assert.ok(d.body.description.length > 20 && d.body.references.length > 0 && d.body.cvss.length > 0);
        assert.ok(d.body.rules.some((r) => r.vulnerable && r.range === '< 3.15.0' && r.configId === 'CVE-2023-47104#0'));
        assert.ok(d.body.rules.some((r) => !r.vulnerable && r.configId === 'CVE-2023-47104#0'), 'the running-on platform of the AND configuration');

        const fixes = await s.api<{ distroFixes: { release: string; status: string; fixedVersion: string | null }[] }>('/vulnerabilities/CVE-2024-4741');
        assert.deepEqual(fixes.body.distroFixes.map((f) => [f.release, f.status, f.fixedVersion]), [['bookworm', 'resolved', '3.0.14-1~deb12u1'], ['bullseye', 'ignored', null], ['trixie', 'resolved', '3.3.1-1']]);
        const missing = await s.api<{ error: { code: string } }>('/vulnerabilities/CVE-1999-0000');
        assert.equal(missing.status, 404);
        assert.equal(missing.body.error.code, 'API_NOT_FOUND');
      } finally {
        await s.close();
      }
    });
  });
}
