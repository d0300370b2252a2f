/**
 * The `vigie` CLI as an operator runs it, in a child process on a fresh SQLite file: db migrate, token create
 * (prints only the token, which then opens the API), import of the agents' own --local files (plain and gzip),
 * reprocess of kept payloads (idempotent), and exit codes for bad config.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { hasShared, skipUnless, SHARED } from '../helpers/components.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('vigie CLI', { skip: skipUnless(hasShared, '../shared corpus not present') }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigie = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/vigie.js'), ...args], { env, cwd: dir, timeout: 120_000 });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
    env = { PATH: process.env.PATH, VIGIE_DB_URL: `sqlite:${join(dir, 'vigie.db')}`, VIGIE_SERVER_LOG_LEVEL: 'silent' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('db migrate, then token create prints only the token', async () => {
    const m = await vigie('db', 'migrate');
    assert.match(m.stdout, /applied: .*create-inventory|database is up to date/);
    const t = await vigie('token', 'create', '--name', 'ci');
    assert.match(t.stdout, /^vigie_[A-Za-z0-9_-]{32}\n$/);
    const list = await vigie('token', 'list', '--json');
    const tokens = JSON.parse(list.stdout) as { name: string; prefix: string }[];
    assert.equal(tokens[0]?.name, 'ci');
    assert.ok(!list.stdout.includes(t.stdout.trim()), 'token list never shows the token');
  });

  test('import the agents\' --local files, gzip or not; reprocess is idempotent', async () => {
    const local = join(SHARED, 'corpus/agents/local');
    const plain = join(dir, 'vm.ocs');
    writeFileSync(plain, gunzipSync(readFileSync(join(local, 'ocsinventory-agent-local.ocs.xml.gz'))));
    const glpi = join(SHARED, 'corpus/glpi/examples/computer_1.json');
    const res = await vigie('import', '--json', plain, join(local, 'fusioninventory-inventory.xml.gz'), glpi);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; software: number; assetId: number });
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.ok), res.stdout);
    assert.equal(lines[0]!.software, 909);
    const again = await vigie('reprocess', '--latest');
    assert.match(again.stdout, /reprocessed \d+, failed 0/);
    assert.doesNotMatch(again.stdout, /[1-9]\d* change\(s\)/, 'same payload, same parser: no change');
  });

  test('import of network task reports: one SNMP device asset per device, never the agent that sent them', async () => {
    const examples = join(SHARED, 'corpus/glpi/examples');
    // Two devices reported by the same GLPI agent (same deviceid), as its netinventory task sends them.
    const first = JSON.parse(readFileSync(join(examples, 'networkequipment_2.json'), 'utf8')) as { deviceid: string };
    const second = { ...(JSON.parse(readFileSync(join(examples, 'networkequipment_3.json'), 'utf8')) as object), deviceid: first.deviceid };
    const secondFile = join(dir, 'netinventory-2.json');
    writeFileSync(secondFile, JSON.stringify(second));
    const snmpquery = join(SHARED, 'corpus/agents/exchanges/fusion-netdiscovery-snmpquery/003-req.xml.gz');
    const res = await vigie('import', '--json', join(examples, 'networkequipment_2.json'), secondFile, snmpquery);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; query: string; stored: { assetId: number; created: boolean; osId: string | null }[] });
    assert.deepEqual(lines.map((l) => [l.ok, l.query, l.stored.length]), [[true, 'NETINVENTORY', 1], [true, 'NETINVENTORY', 1], [true, 'SNMPQUERY', 1]], res.stdout);
    const ids = lines.map((l) => l.stored[0]!.assetId);
    assert.equal(new Set(ids).size, 3, 'each device its own asset');
    assert.deepEqual(lines.map((l) => l.stored[0]!.osId).slice(0, 2), ['ios', 'procurve'], 'fingerprinted from what the agent reported');
    // Imported again: the same assets, updated.
    const again = await vigie('import', '--json', secondFile);
    const line = JSON.parse(again.stdout) as { stored: { assetId: number; created: boolean }[] };
    assert.deepEqual(line.stored.map((d) => [d.assetId, d.created]), [[ids[1], false]]);
    // A report without a device is refused with its reason.
    const empty = join(dir, 'netinventory-empty.json');
    writeFileSync(empty, JSON.stringify({ action: 'netinventory', deviceid: first.deviceid, content: {} }));
    await assert.rejects(vigie('import', empty), (e: { code: number; stdout: string }) => e.code === 1 && /INVENTORY_MALFORMED.*network_device/.test(e.stdout));
  });

  test('a bad file is rejected with its reason and exit code 1', async () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><REQUEST><QUERY>INVENTORY</QUERY></REQUEST>');
    await assert.rejects(vigie('import', bad), (e: { code: number; stdout: string }) => e.code === 1 && /INVENTORY_FORBIDDEN_MARKUP/.test(e.stdout));
  });

  test('an invalid setting exits 2 and names the key, the value and the fix', async () => {
    await assert.rejects(
      run(process.execPath, [join(ROOT, 'bin/vigie.js'), 'db', 'migrate'], { env: { ...env, VIGIE_SERVER_PORT: 'http' }, cwd: dir }),
      (e: { code: number; stderr: string }) => e.code === 2 && /server\.port \(VIGIE_SERVER_PORT\): found "http"/.test(e.stderr),
    );
  });
});
