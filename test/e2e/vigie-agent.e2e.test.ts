/**
 * End to end with Vigie's own agent on this machine: `vigie agent --once` against a live `vigie server` on
 * 127.0.0.1, on every dialect. The stored asset has at least the software entries the OCS agent reports for this
 * machine (ocsinventory-agent --local, same run; dpkg-query when the OCS agent is absent), plus source package
 * names, kernel modules as drivers and service states; a re-run changes no software; the `--local` file ingests
 * through `vigie import`.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../helpers/components.js';
import { dialectSkip, testDialects } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/app.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const vigie = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), ...args], { cwd: ROOT, timeout: 180_000, env: { ...process.env, ...env } });

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string; softwareCount: number; sourceFormat: string; userAgent: string }
interface Sw { name: string; version: string | null; origin: string; sourcePackage: string | null; sourceVersion: string | null; extra: Record<string, string> }

/** name=version pairs the OCS agent reports for this machine (its --local XML), or dpkg-query's. */
function ocsReference(): { source: string; entries: Set<string> } {
  if (hasCommand('ocsinventory-agent')) {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-ocs-local-'));
    try {
      execFileSync('ocsinventory-agent', ['--local', dir, `--basevardir=${dir}`], { stdio: 'ignore', timeout: 300_000 });
      const file = readdirSync(dir).find((f) => f.endsWith('.ocs'));
      if (file) {
        const xml = readFileSync(join(dir, file), 'utf8');
        const entries = new Set<string>();
        for (const m of xml.matchAll(/<SOFTWARES>([\s\S]*?)<\/SOFTWARES>/g)) {
          // The OCS agent prints dpkg's ${binary:Package} (`libssl3:amd64` for Multi-Arch: same packages); Vigie keeps
          // the package name the Debian tracker and the matcher key on and the arch apart: compared without `:arch`.
          const name = /<NAME>([^<]*)<\/NAME>/.exec(m[1]!)?.[1]?.replace(/:[a-z0-9]+$/, '');
          const version = /<VERSION>([^<]*)<\/VERSION>/.exec(m[1]!)?.[1] ?? '';
          if (name) entries.add(`${name}=${version}`);
        }
        return { source: 'ocsinventory-agent --local', entries };
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const out = execFileSync('dpkg-query', ['-W', '-f', '${Package}=${Version}\n']).toString().trim().split('\n');
  return { source: 'dpkg-query', entries: new Set(out) };
}

const reference = ocsReference();

for (const dialect of testDialects()) {
  describe(`vigie agent against vigie server on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let s: TestServer;
    let base: string;
    let state: string;
    before(async () => {
      s = await startTestServer(dialect);
      base = await s.app.listen({ host: '127.0.0.1', port: 0 });
      state = mkdtempSync(join(tmpdir(), 'vigie-agent-state-'));
    });
    after(async () => {
      await s?.close();
      rmSync(state, { recursive: true, force: true });
    });

    async function software(assetId: number): Promise<Sw[]> {
      const all: Sw[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Sw> = (await s.api<Page<Sw>>(`/assets/${assetId}/software?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    }

    test(`--once: the asset holds every package ${reference.source} reports, with source packages, drivers and services`, async () => {
      await vigie(['agent', '--once', '--server', `${base}/ocsinventory`, '--state-dir', state, '--tag', 'e2e']);
      const assets = (await s.api<Page<Asset>>('/assets?limit=100')).body.items;
      assert.equal(assets.length, 1);
      const a = assets[0]!;
      assert.equal(a.sourceFormat, 'ocs-xml');
      const sw = await software(a.id);
      const stored = new Set(sw.map((x) => `${x.name}=${x.version ?? ''}`));
      const missing = [...reference.entries].filter((e) => !stored.has(e));
      assert.deepEqual(missing, [], `software reported by ${reference.source} but not stored`);
      const debs = sw.filter((x) => x.origin === 'deb');
      assert.ok(debs.every((x) => x.sourcePackage && x.sourceVersion), 'every deb has its source package and version');
      assert.ok(debs.some((x) => x.sourcePackage !== x.name), 'binary packages built from another source are told apart');
      const drivers = sw.filter((x) => x.origin === 'driver');
      assert.ok(drivers.length > 0 && drivers.every((d) => d.version), 'kernel modules stored as versioned drivers');
      const detail = (await s.api<{ services: { name: string; state: string | null }[]; tag: string | null; sections: Record<string, unknown> }>(`/assets/${a.id}`)).body;
      assert.ok(detail.services.length > 0 && detail.services.every((x) => x.state), 'services with their states');
      assert.equal(detail.tag, 'e2e');
      assert.ok(Array.isArray(detail.sections.vigie_ports), 'listening ports kept');
      assert.ok(!detail.sections.vigie_errors, `no collector failed: ${JSON.stringify(detail.sections.vigie_errors)}`);

      await vigie(['agent', '--once', '--server', `${base}/ocsinventory`, '--state-dir', state]);
      assert.equal((await s.api<Page<Asset>>('/assets?limit=100')).body.items.length, 1, 'same DEVICEID, same asset');
      const changes = (await s.api<Page<{ kind: string }>>(`/assets/${a.id}/changes?limit=500`)).body.items.map((c) => c.kind);
      assert.deepEqual(changes.filter((k) => k.startsWith('software_')), [], 'no software change on a re-run');
    });

    test('--local writes an .ocs file that `vigie import` ingests', async () => {
      const out = mkdtempSync(join(tmpdir(), 'vigie-agent-local-'));
      try {
        await vigie(['agent', '--local', out, '--state-dir', state]);
        const file = readdirSync(out).find((f) => f.endsWith('.ocs'))!;
        const { stdout } = await vigie(['import', '--json', join(out, file)], { VIGIE_DB_URL: s.tdb.url });
        const line = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; software: number };
        assert.equal(line.ok, true);
        assert.ok(line.software >= reference.entries.size);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}
