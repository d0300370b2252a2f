/**
 * `vigie match <file>` in a child process, against a small KB in a fresh SQLite file, on the real agent captures
 * (../shared/corpus/agents: OCS zlib body as sent, FusionInventory XML gzip) and a dpkg status file built
 * from the same Debian 12 machine's inventory: findings with evidence, exit codes, nothing stored. Plus the in-memory
 * pipeline against the stored one on the same inventory (same findings: one pipeline, two inputs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { SHARED, hasShared, skipUnless } from '../../../test/helpers/components.js';
import { testConfig } from '../../../test/helpers/config.js';
import { insertKb } from '../../../test/helpers/kb.js';
import { openDatabase } from '../../db/index.js';
import { migrateToLatest } from '../../db/migrate.js';
import { limitsOf } from '../../http/agents/exchange.js';
import { inventoryFromText } from '../../inventory/formats/index.js';
import { Ingestor } from '../../inventory/ingest.js';
import { parseDpkgStatus } from '../../matcher/dpkg-status.js';
import { matchSoftware, runMatch } from '../../matcher/run.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const AGENTS = join(SHARED, 'corpus/agents');
const NOW = '2026-11-29T04:00:00.000Z';

interface FileFinding { cve: string; package?: string; software?: string; version: string; identity: string; source: string; rule: string; fixed_version?: string; severity: string | null; cvss: number | null; kev: boolean; epss: number | null; confidence: number; evidence: { verdict: { reason: string } } }

describe('vigie match <file>', { skip: skipUnless(hasShared, '../shared corpus not present') }, () => {
  let dir: string;
  let url: string;
  const vigie = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin/vigie.js'), 'match', ...args], { env: { PATH: process.env.PATH, VIGIE_DB_URL: url, VIGIE_SERVER_LOG_LEVEL: 'silent' }, cwd: dir, timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const xml = () => gunzipSync(readFileSync(join(AGENTS, 'local/ocsinventory-agent-local.ocs.xml.gz'))).toString('utf8');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-match-file-'));
    url = `sqlite:${join(dir, 'vigie.db')}`;
    const db = openDatabase(url);
    await migrateToLatest(db);
    // The machine has libssl3 3.0.19-1~deb12u2 (source openssl) and adduser 3.134.
    await insertKb(db, {
      fixes: [
        { package: 'openssl', vulnerability_id: 'CVE-2026-1000', fixed_version: '3.0.20-1~deb12u1' },
        { package: 'openssl', vulnerability_id: 'CVE-2023-5678', fixed_version: '3.0.11-1~deb12u2' },
        { package: 'adduser', vulnerability_id: 'CVE-2026-2000', status: 'open' },
      ],
      sources: [{ binary: 'libssl3', source: 'openssl', source_version: '3.0.19-1~deb12u2', binary_version: '3.0.19-1~deb12u2' }],
    });
    await db.kysely.insertInto('vulnerabilities').values({ id: 'CVE-2026-1000', severity: 'high', cvss_score: 7.5, kev: 1, epss: 0.42, withdrawn: 0, data: '{}', updated_at: NOW }).execute();
    await db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('OCS zlib body as sent by the agent: findings with evidence as JSON, exit 1, nothing stored', async () => {
    const file = join(dir, 'vm.ocs');
    copyFileSync(join(AGENTS, 'exchanges/ocs-full/002-req.body'), file);
    const r = await vigie([file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as FileFinding[];
    assert.deepEqual(out.map((f) => `${f.cve} ${f.package}`).sort(), ['CVE-2026-1000 libssl3:amd64', 'CVE-2026-1000 openssl', 'CVE-2026-2000 adduser']);
    const ssl = out.find((f) => f.package === 'libssl3:amd64')!;
    assert.equal(ssl.version, '3.0.19-1~deb12u2');
    assert.equal(ssl.identity, 'deb:debian:bookworm/openssl@3.0.19-1~deb12u2');
    assert.equal(ssl.source, 'debian-tracker');
    assert.equal(ssl.fixed_version, '3.0.20-1~deb12u1');
    assert.deepEqual([ssl.severity, ssl.cvss, ssl.kev, ssl.epss, ssl.confidence], ['high', 7.5, true, 0.42, 1]);
    assert.match(ssl.evidence.verdict.reason, /sorts before Debian's fixed version/);
    const adduser = out.find((f) => f.cve === 'CVE-2026-2000')!;
    assert.equal(adduser.fixed_version, undefined);
    assert.equal(adduser.severity, null);
    const db = openDatabase(url);
    try {
      for (const t of ['assets', 'findings', 'finding_evidence'] as const) assert.equal((await db.kysely.selectFrom(t).selectAll().execute()).length, 0, `${t} stays empty`);
      assert.equal((await db.kysely.selectFrom('vulnerabilities').select('id').execute()).length, 1, 'no stub vulnerability for CVE-2026-2000');
    } finally {
      await db.close();
    }
  });

  test('FusionInventory XML (gzip) and a dpkg status file give the same findings; text output shows the evidence', async () => {
    const fusion = join(dir, 'fusion.xml.gz');
    copyFileSync(join(AGENTS, 'local/fusioninventory-inventory.xml.gz'), fusion);
    const f = await vigie([fusion]);
    assert.equal(f.code, 1, f.stderr);
    assert.match(f.stdout, /CVE-2026-1000 {2}libssl3/);
    assert.match(f.stdout, /identity deb:debian:bookworm\/openssl@3\.0\.19-1~deb12u2/);
    assert.match(f.stdout, /dpkg: 3\.0\.19-1~deb12u2 installed < fixed < 3\.0\.20-1~deb12u1 → installed 3\.0\.19-1~deb12u2 sorts before/);

    // A dpkg status file of the same machine, from its inventory: libssl3's Source names openssl; a package removed
    // with its configuration kept ("deinstall ok config-files") is not installed and not matched.
    const inv = inventoryFromText(xml(), { limits: limitsOf(testConfig(url).agents) });
    const stanza = (s: { name: string; version: string | null; arch: string | null }, status = 'install ok installed') => {
      const name = s.name.replace(/:[a-z0-9]+$/, '');
      const source = name === 'libssl3' ? 'Source: openssl\n' : '';
      return `Package: ${name}\nStatus: ${status}\nPriority: optional\n${source}Architecture: ${s.arch ?? 'all'}\nVersion: ${s.version}\nDescription: from the corpus inventory\n multi-line description\n .\n`;
    };
    const status = [...inv.software.filter((s) => s.version).map((s) => stanza(s)), stanza({ name: 'openssl-removed', version: '1.0', arch: 'amd64' }, 'deinstall ok config-files')].join('\n');
    const statusFile = join(dir, 'status');
    writeFileSync(statusFile, status);
    assert.equal(parseDpkgStatus(status).length, inv.software.filter((s) => s.version).length);
    const d = await vigie([statusFile, '--dpkg-status', '--distro', 'debian:12', '--json']);
    assert.equal(d.code, 1, d.stderr);
    const out = JSON.parse(d.stdout) as FileFinding[];
    assert.deepEqual(out.map((x) => `${x.cve} ${x.package}`).sort(), ['CVE-2026-1000 libssl3', 'CVE-2026-1000 openssl', 'CVE-2026-2000 adduser']);
    assert.equal(out.find((x) => x.package === 'libssl3')!.identity, 'deb:debian:bookworm/openssl@3.0.19-1~deb12u2');
    // Another release: no bookworm tracker rows apply.
    const bullseye = await vigie([statusFile, '--dpkg-status', '--distro', 'debian:bullseye', '--json']);
    assert.equal(bullseye.code, 0, bullseye.stderr);
    assert.deepEqual(JSON.parse(bullseye.stdout), []);
  });

  test('errors: unreadable or malformed file, missing --distro → exit 2 with what was expected', async () => {
    const missing = await vigie([join(dir, 'nope.xml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.xml: ENOENT/);
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello, this is not an inventory\n');
    const bad = await vigie([junk]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /INVENTORY_BAD_ENCODING: body rejected: expected zlib, gzip, raw deflate or plain XML\/JSON/);
    const text = join(dir, 'text.json');
    writeFileSync(text, '{"not": "an inventory"}');
    const json = await vigie([text]);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /INVENTORY_/);
    const badStatus = await vigie([junk, '--dpkg-status', '--distro', 'debian:12']);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.stderr, /line 1: expected "Field: value"/);
    const noDistro = await vigie([junk, '--dpkg-status']);
    assert.equal(noDistro.code, 2);
    assert.match(noDistro.stderr, /expected --distro/);
    const badDistro = await vigie([junk, '--dpkg-status', '--distro', 'ubuntu:24.04']);
    assert.equal(badDistro.code, 2);
    assert.match(badDistro.stderr, /--distro: expected debian:<major>/);
  });

  test('the in-memory pipeline gives what a stored run gives for the same inventory', async () => {
    const db = openDatabase(url);
    try {
      const config = testConfig(url);
      const inv = inventoryFromText(xml(), { limits: limitsOf(config.agents) });
      const mem = await matchSoftware(db, {
        os: inv.os,
        software: inv.software.map((s) => ({ name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin, sourcePackage: s.sourcePackage, sourceVersion: s.sourceVersion })),
      });
      await new Ingestor(db, config).ingest(inv, {
        receivedAt: NOW, remoteAddress: null, userAgent: 'test', protocol: 'import', query: 'INVENTORY', contentType: null, encoding: null, sizeBytes: 0, inflatedBytes: null,
        sha256: 'match-file-test', deviceId: inv.agent.deviceId, payload: null,
      });
      const stored = await runMatch(db, { collect: true, now: NOW });
      const key = (f: { vulnerability_id: string; software_name: string; evidence: string }) => `${f.vulnerability_id}|${f.software_name}|${f.evidence}`;
      assert.deepEqual(mem.findings.map(key).sort(), stored.findings.map(key).sort());
      assert.equal(stored.stats.findings.inserted, 3);
    } finally {
      await db.close();
    }
  });
});
