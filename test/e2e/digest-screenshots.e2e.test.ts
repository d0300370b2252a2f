/**
 * The HTML digest rendered by headless Chromium in French and English: the page has every section, no
 * broken image, and the screenshots under docs/ (digest-fr.png, digest-en.png) are regenerated with
 * UPDATE_GOLDEN=1 (npm run golden:update) and reviewed as images.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { configSchema } from '../../server/config/schema.js';
import { buildDigest } from '../../server/alerts/digest/index.js';
import { SLOT, seed } from '../helpers/alerts-fixture.js';
import { skipUnless } from '../helpers/components.js';
import { createTestDb } from '../helpers/db.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

test('digest HTML in Chromium, fr and en', { skip: skipUnless(existsSync(CHROMIUM), `Chromium not installed at ${CHROMIUM} (apt-get install chromium)`) }, async () => {
  const tdb = await createTestDb('sqlite');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    await seed(tdb.db);
    const config = configSchema.parse({ db: { url: tdb.url } });
    for (const lang of ['fr', 'en'] as const) {
      const { message } = await buildDigest(tdb.db, config, new Date(SLOT), lang);
      // A mail client resolves cid:trend to the inline part; the browser gets it as a data URL.
      const html = message.html!.replace('cid:trend', `data:image/png;base64,${message.images[0]!.base64}`);
      const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.setContent(html, { waitUntil: 'load' });
      // tsconfig has no DOM lib: read the two image properties through a structural type.
      const imgOk = await page.$eval('img', (img) => { const i = img as unknown as { naturalWidth: number; complete: boolean }; return i.naturalWidth === 600 && i.complete; });
      assert.ok(imgOk, 'the trend chart decodes');
      for (const id of ['heartbeat', 'fleet-totals', 'new-assets', 'disappeared', 'failed-inventories', 'new-cves', 'fixed-cves', 'top-assets', 'top-cves', 'kev']) assert.ok(await page.$(`#${id}`), `section #${id}`);
      assert.match(await page.textContent('#heartbeat') ?? '', lang === 'fr' ? /Battement de cœur/ : /Heartbeat/);
      assert.deepEqual(errors, []);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(`${DOCS}digest-${lang}.png`, await page.screenshot({ fullPage: true }));
      await page.close();
    }
  } finally {
    await browser.close();
    await tdb.drop();
  }
});
