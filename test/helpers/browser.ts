/** Debian's Chromium driven by playwright-core for the browser tests: one fresh profile, 1440×900, en-US, Europe/Paris. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Dialogs (alert() calls, dismissed) and uncaught page errors are pushed to the given arrays, for assertions. */
export async function launchTestBrowser(dialogs: string[], pageErrors: string[]): Promise<{ ctx: BrowserContext; page: Page; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    timezoneId: 'Europe/Paris',
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { ctx, page, profile };
}
