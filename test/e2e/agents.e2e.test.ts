/**
 * End to end with the real Debian agents: ocsinventory-agent and fusioninventory-agent inventory this machine and
 * send it to a live `vigie server` on 127.0.0.1 (plain and Basic auth, compressed and not), on every dialect.
 * The asset then appears through the API with its packages (as many as dpkg lists), interfaces and OS; a second
 * run adds no spurious change.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { hasCommand, skipUnless } from '../helpers/components.js';
import { dialectSkip, testDialects } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/app.js';

const run = promisify(execFile);
const agentsSkip = skipUnless(hasCommand('ocsinventory-agent') && hasCommand('fusioninventory-agent'), 'ocsinventory-agent / fusioninventory-agent not installed (apt-get install ocsinventory-agent fusioninventory-agent)');
const dpkgCount = () => execFileSync('dpkg-query', ['-W', '-f', '${Package}\n']).toString().trim().split('\n').length;

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string; softwareCount: number; sourceFormat: string; os: { name: string | null }; userAgent: string }

async function ocsAgent(url: string, vardir: string, extra: string[] = []) {
  return run('ocsinventory-agent', ['--server', url, '--nolocal', `--basevardir=${vardir}`, ...extra], { timeout: 180_000 });
}
async function fusionAgent(url: string, extra: string[] = []) {
  return run('fusioninventory-agent', ['--server', url, '--no-httpd', '--logger=stderr', '--tasks=inventory', '--force', ...extra], { timeout: 180_000 });
}

for (const dialect of testDialects()) {
  describe(`real agents against vigie server on ${dialect}`, { skip: agentsSkip || (await dialectSkip(dialect)) }, () => {
    let s: TestServer;
    let base: string;
    let vardir: string;
    before(async () => {
      s = await startTestServer(dialect);
      base = await s.app.listen({ host: '127.0.0.1', port: 0 });
      vardir = mkdtempSync(join(tmpdir(), 'vigie-ocs-agent-'));
    });
    after(async () => {
      await s?.close();
      rmSync(vardir, { recursive: true, force: true });
    });

    const assets = async () => (await s.api<Page<Asset>>('/assets?limit=100')).body.items;

    test('OCS agent: PROLOG + INVENTORY, asset with every dpkg package, interfaces and OS; re-run is quiet', async () => {
      await ocsAgent(`${base}/ocsinventory`, vardir);
      const list = await assets();
      assert.equal(list.length, 1);
      const a = list[0]!;
      assert.equal(a.sourceFormat, 'ocs-xml');
      assert.match(a.userAgent, /^OCS-NG_unified_unix_agent_v/);
      assert.equal(a.softwareCount, dpkgCount(), 'one software entry per dpkg package');
      const detail = (await s.api<{ interfaces: { name: string; ipv4: string[] }[]; os: { name: string | null } }>(`/assets/${a.id}`)).body;
      assert.ok(detail.os.name, 'OS name reported');
      assert.ok(detail.interfaces.some((i) => i.ipv4.includes('127.0.0.1') || i.ipv4.length > 0), 'interfaces with addresses');
      await ocsAgent(`${base}/ocsinventory`, vardir);
      const changes = (await s.api<Page<{ kind: string }>>(`/assets/${a.id}/changes?limit=500`)).body.items.map((c) => c.kind);
      assert.deepEqual(changes.filter((k) => k.startsWith('software_')), [], 'no software change on a re-run');
    });

    test('FusionInventory agent, compressed and --no-compression', async () => {
      await fusionAgent(`${base}/`);
      await fusionAgent(`${base}/`, ['--no-compression']);
      const receipts = (await s.api<Page<{ protocol: string; query: string; outcome: string; encoding: string; userAgent: string }>>('/receipts?limit=50')).body.items;
      const fusion = receipts.filter((r) => /FusionInventory/.test(r.userAgent ?? ''));
      assert.ok(fusion.some((r) => r.query === 'INVENTORY' && r.encoding === 'zlib' && r.outcome === 'accepted'));
      assert.ok(fusion.some((r) => r.query === 'INVENTORY' && r.encoding === 'plain' && r.outcome === 'accepted'));
      assert.ok(!fusion.some((r) => r.outcome === 'rejected'));
      const withSoftware = (await assets()).filter((a) => a.softwareCount === dpkgCount());
      assert.ok(withSoftware.length >= 1);
    });

    test('Basic auth with both agents', async () => {
      const auth = await startTestServer(dialect, { agents: { basicAuth: { user: 'ocsuser', password: 'ocspass', realm: 'OCS Inventory' } } });
      const url = await auth.app.listen({ host: '127.0.0.1', port: 0 });
      const dir = mkdtempSync(join(tmpdir(), 'vigie-ocs-agent-auth-'));
      try {
        const b64 = (s: string) => Buffer.from(s).toString('base64');
        await ocsAgent(`${url}/ocsinventory`, dir, [`--user=${b64('ocsuser')}`, `--password=${b64('ocspass')}`, '--realm=OCS Inventory', '--nosoftware']);
        await fusionAgent(`${url}/`, ['--user=ocsuser', '--password=ocspass', '--no-category=software,process,environment']);
        const receipts = (await auth.api<Page<{ query: string; outcome: string; userAgent: string }>>('/receipts?limit=50')).body.items;
        const accepted = receipts.filter((r) => r.query === 'INVENTORY' && r.outcome === 'accepted');
        assert.ok(accepted.some((r) => /^OCS-NG/.test(r.userAgent)), 'OCS agent inventory accepted with auth');
        assert.ok(accepted.some((r) => /^FusionInventory/.test(r.userAgent)), 'Fusion agent inventory accepted with auth');
      } finally {
        await auth.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
