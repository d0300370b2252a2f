/**
 * `npm run screenshots`: seeds a throw-away server with real data and writes 1440×900 PNGs of every main page,
 * in English and French, into docs/screenshots/<page>.<lang>.png (reviewed as images, committed).
 * Seed: the recorded OCS inventory (../shared/corpus/agents) posted to the agent endpoint as five machines (each
 * keeping a different share of its 909 packages), the GLPI inventory format examples, three network devices from
 * real SNMP recordings (LLDP neighbours, firmware); the knowledge base imported from ../shared/data by the real
 * importers (Debian tracker OSV + Packages, NVD 2.0, KEV, EPSS); then the matcher.
 *
 *   npm run screenshots [-- --out docs/screenshots] [--keep]   (--keep leaves the server up and prints its URL)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync, gunzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { configSchema } from '../server/config/schema.js';
import { openDatabase } from '../server/db/index.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { createUser } from '../server/db/repositories/users.js';
import { buildApp, VERSION } from '../server/http/app.js';
import { limitsOf } from '../server/http/agents/exchange.js';
import { inventoryFromText } from '../server/inventory/formats/index.js';
import { Ingestor } from '../server/inventory/ingest.js';
import { importFile } from '../server/kb/import.js';
import { runMatch } from '../server/matcher/run.js';
import { collectInventory } from '../server/snmp/collect.js';
import { fingerprints } from '../server/snmp/fingerprint/load.js';
import { RecordingSource } from '../server/snmp/recording.js';
import { toInventory } from '../server/snmp/to-inventory.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHARED = join(ROOT, '../shared');
const CHROMIUM = '/usr/bin/chromium';
const { values: args } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'docs/screenshots') }, keep: { type: 'boolean', default: false } } });
const OUT = args.out!;
const PASSWORD = 'screenshots password';
const log = (m: string) => console.log(`screenshots: ${m}`);

if (!existsSync(CHROMIUM)) throw new Error(`expected Chromium at ${CHROMIUM} (apt-get install chromium), found none`);
if (!existsSync(join(SHARED, 'corpus'))) throw new Error(`expected the shared corpus at ${SHARED}, found none`);

log('building the web UI');
execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });

const dir = join(tmpdir(), `vigie-screenshots-${process.pid}`);
mkdirSync(dir, { recursive: true });
const url = `sqlite:${join(dir, 'vigie.db')}`;
const db = openDatabase(url);
await migrateToLatest(db);
const config = configSchema.parse({ db: { url }, server: { logLevel: 'silent' }, snmp: { secretKey: 'ab'.repeat(32) }, alerts: { digest: { lang: 'en' } } });
const app = await buildApp(config, { db, logger: false });
const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
const ingestor = new Ingestor(db, config);
const receipt = (deviceId: string, query: string, userAgent: string) => ({
  receivedAt: new Date().toISOString(), remoteAddress: '192.0.2.1', userAgent, protocol: 'import' as const, query, contentType: null, encoding: null,
  sizeBytes: 0, inflatedBytes: null, sha256: `screenshots-${deviceId}`, deviceId, payload: null,
});

// --- Inventories ------------------------------------------------------------------------------------------
log('posting inventories to the agent endpoint');
const ocsXml = gunzipSync(readFileSync(join(SHARED, 'corpus/agents/exchanges/ocs-full/002-req.xml.gz'))).toString('utf8');
const HOSTS = ['vm', 'web-01', 'db-01', 'build-02', 'mail-01'];
for (const [k, host] of HOSTS.entries()) {
  let n = 0;
  let sw = 0;
  // Machine k keeps a different share of the recorded packages, so the fleet is not five identical hosts.
  const xml = k === 0 ? ocsXml : ocsXml
    .replace(/<DEVICEID>[^<]+<\/DEVICEID>/, `<DEVICEID>${host}-2026-11-29-08-00-0${k}</DEVICEID>`)
    .replace(/(<HARDWARE>[\s\S]*?<NAME>)[^<]*(<\/NAME>)/, `$1${host}$2`)
    .replace(/<MACADDR>[^<]*<\/MACADDR>/g, () => `<MACADDR>52:54:00:0${k}:00:${(n++).toString(16).padStart(2, '0')}</MACADDR>`)
    .replace(/<UUID>[^<]*<\/UUID>/g, `<UUID>00000000-0000-4000-8000-00000000000${k}</UUID>`)
    .replace(/<SOFTWARES>[\s\S]*?<\/SOFTWARES>/g, (m) => (sw++ % (k + 2) === 1 ? '' : m));
  const res = await fetch(`${base}/ocsinventory`, { method: 'POST', headers: { 'content-type': 'application/x-compress', 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' }, body: deflateSync(Buffer.from(xml)) });
  if (res.status !== 200) throw new Error(`inventory of ${host}: expected HTTP 200, found ${res.status} ${await res.text()}`);
}
for (const f of readdirSync(join(SHARED, 'corpus/glpi/examples')).filter((f) => !f.includes('partial') && !f.includes('updated')).sort()) {
  const text = readFileSync(join(SHARED, 'corpus/glpi/examples', f), 'utf8');
  try {
    const inv = inventoryFromText(text, { limits: limitsOf(config.agents) });
    await ingestor.ingest(inv, receipt(inv.agent.deviceId, 'INVENTORY', 'GLPI-Agent_v1.4'));
  } catch (e) {
    log(`GLPI example ${f} skipped: ${(e as Error).message}`);
  }
}
log('inventorying network devices from SNMP recordings');
for (const [k, [rec, name]] of [['arubaos-cx', 'core-sw-01'], ['ios_c3560', 'access-sw-02'], ['brother', 'printer-2f']].entries()) {
  const inv = await collectInventory(RecordingSource.fromFile(join(SHARED, `corpus/snmp/dev/${rec}.snmprec`)), fingerprints());
  // The recordings are anonymised (sysName "<private>"): one shared hostname would fold the devices into one asset.
  inv.sysName = name!;
  const canonical = toInventory(inv, { host: `192.0.2.${10 + k}`, port: 161 }, VERSION);
  await ingestor.ingest(canonical, receipt(canonical.agent.deviceId, 'SNMP', `vigie-snmp/${VERSION}`));
}

// --- Knowledge base and matching --------------------------------------------------------------------------
const data = (sub: string, filter: (f: string) => boolean = () => true) => readdirSync(join(SHARED, 'data', sub)).filter((f) => f.endsWith('.gz') && filter(f)).sort().map((f) => join(SHARED, 'data', sub, f));
const kbFiles = [
  ...data('debian/osv-debian-cve', (f) => /20(2[0-5])/.test(f)),
  ...data('debian/packages'),
  ...data('nvd-api2/official-feeds', (f) => f.includes('2026.json')),
  ...data('kev', (f) => f.includes('2026')),
  ...data('epss'),
];
for (const f of kbFiles) {
  const t0 = Date.now();
  const r = await importFile(db, f, { storeRaw: false });
  log(`KB ${f.split('/').pop()}: ${r.status}, ${r.records} records in ${Date.now() - t0} ms`);
}
const match = await runMatch(db);
log(`matcher: ${JSON.stringify(match.stats)}`);

// --- A user, an alert channel -----------------------------------------------------------------------------
await createUser(db.kysely, { username: 'alice', password: PASSWORD, role: 'admin' });
const k = db.kysely;
const vm = await k.selectFrom('assets').select('id').where('hostname', '=', 'vm').executeTakeFirstOrThrow();
const device = await k.selectFrom('assets').select('id').where('hostname', '=', 'core-sw-01').executeTakeFirstOrThrow();
const cve = await k.selectFrom('findings as f').innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id').select('f.vulnerability_id').where('f.status', '=', 'open')
  .orderBy('v.kev', 'desc').orderBy('v.cvss_score', 'desc').limit(1).executeTakeFirst();

async function login(ctx: BrowserContext): Promise<void> {
  const r = await ctx.request.post(`${base}/api/v1/auth/login`, { data: { username: 'alice', password: PASSWORD } });
  if (!r.ok()) throw new Error(`login: expected 200, found ${r.status()}`);
}

/** Waits until the page shows content: network idle, no "Loading…" left, charts drawn. */
async function settle(page: Page, ready?: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  if (ready) await page.locator(ready).first().waitFor({ timeout: 15_000 });
  // A string, evaluated in the page (the Node tsconfig has no DOM types).
  await page.waitForFunction(`!Array.from(document.querySelectorAll('[role=status]')).some((e) => /Loading|Chargement/.test(e.textContent || ''))`, undefined, { timeout: 15_000 });
  await page.waitForTimeout(300); // echarts animation
}

const shots: [string, string, string?][] = [
  ['dashboard', '/', '.chart svg'],
  ['assets', '/assets', '[data-testid=assets-table] tbody tr'],
  ['asset-overview', `/assets/${vm.id}`, '.kv'],
  ['asset-software', `/assets/${vm.id}?tab=software`, '[data-testid=software-table] tbody tr'],
  ['asset-vulnerabilities', `/assets/${vm.id}?tab=vulnerabilities`, 'table'],
  ['asset-services', `/assets/${vm.id}?tab=services`, '[data-testid=volumes-table]'],
  ['asset-history', `/assets/${vm.id}?tab=history`, '.timeline'],
  ['asset-drivers', `/assets/${device.id}?tab=drivers`, '[data-testid=drivers-table]'],
  ['asset-network', `/assets/${device.id}?tab=network`, '[data-testid=interfaces-table]'],
  ['vulnerabilities', '/vulnerabilities?status=open', '[data-testid=findings-table]'],
  ...(cve ? ([['cve', `/vulnerabilities/${encodeURIComponent(cve.vulnerability_id)}`, 'h1']] as [string, string, string][]) : []),
  ['software', '/software', 'table tbody tr'],
  ['network', '/network', '[data-testid=snmp-devices]'],
  ['settings-alerts', '/settings?tab=alerts', '[data-testid=alert-channels]'],
  ['settings-kb', '/settings?tab=kb', '[data-testid=kb-sources]'],
];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const admin = await browser.newContext({ baseURL: base });
  await login(admin);
  const channel = await admin.request.post(`${base}/api/v1/alerts/channels`, {
    headers: { 'x-csrf-token': (await admin.cookies()).find((c) => c.name === 'vigie_csrf')?.value ?? '' },
    data: { name: 'soc-mail', digest: true, config: { type: 'email', host: 'smtp.example.org', port: 587, security: 'starttls', from: 'vigie@example.org', to: ['soc@example.org'], user: 'vigie', password: 'not a real password' } },
  });
  if (!channel.ok()) throw new Error(`alert channel: ${channel.status()} ${await channel.text()}`);
  await admin.close();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const lang of ['en', 'fr'] as const) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang === 'fr' ? 'fr-FR' : 'en-GB', timezoneId: 'Europe/Paris' });
    await login(ctx);
    const page = await ctx.newPage();
    for (const [name, path, ready] of shots) {
      await page.goto(`${base}${path}`);
      await settle(page, ready);
      await page.screenshot({ path: join(OUT, `${name}.${lang}.png`) });
    }
    await ctx.close();
  }
  log(`${shots.length * 2} screenshots in ${OUT}`);
} finally {
  await browser.close();
  if (args.keep) log(`server left running at ${base} (alice / ${PASSWORD}); Ctrl-C to stop`);
  else {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
