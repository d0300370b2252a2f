/**
 * Triage in Debian's Chromium (playwright-core) against a real server on 127.0.0.1: an analyst triages findings
 * from the vulnerabilities list (bulk dialog), from an asset's vulnerabilities tab (one finding, then revoke) and
 * from the CVE page (a product version range on all assets), and sees them marked; a viewer sees the decisions but
 * no triage control, and the API refuses the viewer's triage call. Findings are seeded through the repositories
 * (a CVE, two assets, one finding each). Screenshots go to a temporary directory (VIGIE_TEST_SCREENSHOTS=<dir>).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchTestBrowser } from '../helpers/browser.js';
import type { Finding } from '../../common/api/findings.js';
import { createUser } from '../../server/db/repositories/users.js';
import { WEB_DIST } from '../../server/http/web.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { skipUnless } from '../helpers/components.js';

const PASSWORD = 'e2e password long enough';
const CVE = 'CVE-2099-4242';
const IMG = '<img src=x onerror=alert(1)>';

const skip = skipUnless(existsSync(CHROMIUM), `Debian chromium not installed at ${CHROMIUM} (apt-get install chromium; .ci/run does it)`);

describe('triage in the web UI', { skip }, () => {
  let s: TestServer;
  let base: string;
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;
  const assets = { db1: 0, db2: 0 };
  const shots = process.env.VIGIE_TEST_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'vigie-triage-screens-'));
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const findings = async () => (await s.api<{ items: Finding[] }>(`/findings?vulnerabilityId=${CVE}&limit=50`)).body.items;
  const findingOf = async (host: string) => (await findings()).find((f) => f.hostname === host)!;

  async function login(username: string) {
    await ctx.clearCookies();
    await page.goto(`${base}/`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  }

  before(async () => {
    if (!existsSync(WEB_DIST + 'index.html')) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    s = await startTestServer('sqlite');
    const k = s.tdb.db.kysely;
    await createUser(k, { username: 'ana', password: PASSWORD, role: 'analyst' });
    await createUser(k, { username: 'vic', password: PASSWORD, role: 'viewer' });
    const now = new Date().toISOString();
    await k.insertInto('vulnerabilities').values({ id: CVE, title: 'OpenSSL heap overflow', description: null, published_at: now, modified_at: now, severity: 'high', cvss_score: 8.1, cvss_vector: null, epss: 0.2, epss_percentile: 0.8, kev: 0, kev_due_date: null, withdrawn: 0, data: '{}', updated_at: now }).execute();
    for (const host of ['db1', 'db2'] as const) {
      const a = await k.insertInto('assets').values({ hostname: host, kind: 'computer', source_format: 'test', os_name: 'Debian GNU/Linux 12', os_full_name: 'Debian GNU/Linux 12', status: 'active', software_count: 1, first_seen_at: now, last_seen_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      assets[host] = Number(a.id);
      await k.insertInto('asset_software').values({ asset_id: assets[host], name: 'openssl', version: '3.0.11-1~deb12u2', publisher: null, origin: 'deb', source_package: null, extra: '{}' }).execute();
      await k.insertInto('findings').values({
        asset_id: assets[host], vulnerability_id: CVE, software_name: 'openssl', software_version: '3.0.11-1~deb12u2', software_origin: 'deb', matcher: 'distro', confidence: 1,
        fixed_version: '3.0.13-1~deb12u1', status: 'open', first_seen_at: now, last_seen_at: now, resolved_at: null,
        evidence: JSON.stringify({ inventory: { name: 'openssl', version: '3.0.11-1~deb12u2' }, verdict: { reason: 'affected: 3.0.11-1~deb12u2 < 3.0.13-1~deb12u1' } }),
      }).execute();
    }
    const addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
    base = addr.replace('localhost', '127.0.0.1');
    ({ ctx, page, profile } = await launchTestBrowser(dialogs, pageErrors));
  });

  after(async () => {
    await ctx?.close();
    await s?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    console.log(`web triage e2e screenshots: ${shots}`);
  });

  test('an analyst triages a finding from the vulnerabilities list (bulk dialog) and sees it marked', async () => {
    await login('ana');
    await page.goto(`${base}/vulnerabilities?triage=untriaged`);
    const table = page.getByTestId('findings-table');
    await table.getByRole('checkbox', { name: `Select ${CVE} on db1 (openssl)` }).check();
    await page.getByRole('button', { name: 'Triage… (1 selected)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Triage the selected findings (1)' });
    await dialog.waitFor();
    // Focus starts in the dialog, on the decision; the justification is required before anything is sent.
    assert.equal(await dialog.locator('select[name=decision]:focus').count(), 1);
    await dialog.getByLabel('Decision').selectOption('mitigated');
    await dialog.getByRole('button', { name: 'Record the decision' }).click();
    assert.equal(await dialog.locator('textarea[name=justification]:invalid').count(), 1);
    assert.equal((await findingOf('db1')).triage, null, 'nothing was sent');
    await dialog.getByLabel('Justification').fill(`Port closed by the host firewall ${IMG}`);
    await page.screenshot({ path: join(shots, 'triage-bulk-dialog-en.png') });
    await dialog.getByRole('button', { name: 'Record the decision' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The list asked for untriaged findings: db1's is gone from it, db2's is still there.
    await table.getByRole('link', { name: 'db1' }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: 'db2' }).waitFor();
    const f = await findingOf('db1');
    assert.deepEqual([f.triage?.decision, f.triage?.author, f.triage?.scope.assetId, f.triage?.justification], ['mitigated', 'ana', assets.db1, `Port closed by the host firewall ${IMG}`]);
    await page.goto(`${base}/vulnerabilities?triage=triaged`);
    const row = page.getByTestId('findings-table').getByRole('row').filter({ hasText: 'db1' });
    await row.getByTestId('triage-badge').filter({ hasText: 'mitigated' }).waitFor();
    await row.getByRole('button', { name: 'Why?' }).click();
    await page.getByText(`Port closed by the host firewall ${IMG}`).waitFor();
    assert.equal(await page.locator('main img').count(), 0, 'the justification is text');
    await page.screenshot({ path: join(shots, 'triage-list-en.png') });
  });

  test('an analyst triages one finding on the asset tab, sees the decision, and revokes it', async () => {
    await page.goto(`${base}/assets/${assets.db2}?tab=vulnerabilities`);
    const table = page.getByTestId('asset-findings');
    await table.getByRole('button', { name: `Triage ${CVE} (openssl)` }).click();
    const dialog = page.getByRole('dialog', { name: `Triage ${CVE} in openssl` });
    await dialog.getByLabel('Decision').selectOption('false_positive');
    await dialog.getByLabel('Justification').fill('openssl is installed but no service links it');
    await dialog.getByLabel('Expires on (optional)').fill('2099-12-31');
    await dialog.getByRole('button', { name: 'Record the decision' }).click();
    await dialog.waitFor({ state: 'detached' });
    await table.getByTestId('triage-badge').filter({ hasText: 'false positive' }).waitFor();
    await table.getByText(/openssl is installed but no service links it — ana · until .*2099/).waitFor();
    const f = await findingOf('db2');
    assert.equal(f.triage?.decision, 'false_positive');
    assert.match(f.triage?.expiresAt ?? '', /^2099-12-31T22:59:59/, 'end of the chosen day in Europe/Paris');
    await page.screenshot({ path: join(shots, 'triage-asset-tab-en.png') });
    await table.getByRole('button', { name: `Revoke the decision on ${CVE} (openssl)` }).click();
    await table.getByRole('button', { name: `Triage ${CVE} (openssl)` }).waitFor();
    assert.equal((await findingOf('db2')).triage, null);
  });

  test('an analyst triages the CVE for a version range on all assets from the CVE page', async () => {
    await page.goto(`${base}/vulnerabilities/${CVE}`);
    await page.getByRole('button', { name: 'Triage for all assets or a version range…' }).click();
    const dialog = page.getByRole('dialog', { name: `Triage ${CVE}` });
    await dialog.getByLabel('Decision').selectOption('accepted_risk');
    await dialog.getByLabel('Justification').fill('Backport under test, accepted until the next point release');
    await dialog.getByLabel('one product, a version range').check();
    await dialog.getByLabel('Product', { exact: true }).selectOption('openssl');
    await dialog.getByLabel('From version (inclusive, optional)').fill('3.0.11-1~deb12u1');
    await dialog.getByLabel('To version (inclusive, optional)').fill('3.0.11-1~deb12u9');
    await page.screenshot({ path: join(shots, 'triage-cve-dialog-en.png') });
    await dialog.getByRole('button', { name: 'Record the decision' }).click();
    await dialog.waitFor({ state: 'detached' });
    const decisions = page.getByTestId('decisions-table');
    await decisions.getByRole('row').filter({ hasText: 'all assets · openssl · [3.0.11-1~deb12u1 ; 3.0.11-1~deb12u9]' }).waitFor();
    // db2 (untriaged since the revoke) is now governed by the range; db1 keeps its more specific asset decision.
    assert.equal((await findingOf('db2')).triage?.decision, 'accepted_risk');
    assert.equal((await findingOf('db1')).triage?.decision, 'mitigated');
    await page.getByTestId('findings-table').getByTestId('triage-badge').filter({ hasText: 'accepted risk' }).waitFor();
    await page.screenshot({ path: join(shots, 'triage-cve-en.png') });
  });

  test('a viewer sees the decisions but no triage control, and the API refuses the call', async () => {
    await login('vic');
    await page.goto(`${base}/vulnerabilities`);
    const table = page.getByTestId('findings-table');
    await table.getByTestId('triage-badge').first().waitFor();
    assert.equal(await table.getByRole('checkbox').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Triage/ }).count(), 0);
    await page.goto(`${base}/assets/${assets.db1}?tab=vulnerabilities`);
    await page.getByTestId('asset-findings').getByTestId('triage-badge').waitFor();
    assert.equal(await page.getByRole('button', { name: /^(Triage|Revoke)/ }).count(), 0);
    await page.goto(`${base}/vulnerabilities/${CVE}`);
    await page.getByTestId('decisions-table').waitFor();
    assert.equal(await page.getByRole('button', { name: /^(Triage|Revoke)/ }).count(), 0);
    const f = await findingOf('db2');
    const csrf = (await ctx.cookies(base)).find((c) => c.name === 'vigie_csrf')!.value;
    // The same request the UI would send (session cookie + CSRF header), made from the viewer's page.
    const status = await page.evaluate(async ({ id, csrf }) => {
      const res = await fetch('/api/v1/triage/bulk', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ findingIds: [id], decision: 'false_positive', justification: 'viewer try' }) });
      return res.status;
    }, { id: f.id, csrf: decodeURIComponent(csrf) });
    assert.equal(status, 403);
    assert.equal((await findingOf('db2')).triage?.decision, 'accepted_risk', 'unchanged');
    await page.screenshot({ path: join(shots, 'triage-viewer-en.png') });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(dialogs, [], 'no alert() ran');
  });
});
