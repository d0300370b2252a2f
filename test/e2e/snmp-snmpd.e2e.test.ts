/**
 * A real net-snmp agent (snmpd) configured by the test on 127.0.0.1:<high port>: v2c and SNMPv3 authPriv
 * (SHA-256 + AES-128) inventories through the CLI and the engine; wrong keys, an unknown user and a wrong
 * community give clear errors (issue 3 "Must show").
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { collectInventory } from '../../server/snmp/collect.js';
import { fingerprints } from '../../server/snmp/fingerprint/load.js';
import { SnmpSession } from '../../server/snmp/session.js';
import { hasCommand, skipUnless } from '../helpers/components.js';
import { hasSnmpd, startSnmpd, type Snmpd } from '../helpers/snmpsim.js';

const run = promisify(execFile);
const skip = skipUnless(hasSnmpd() && hasCommand('snmpget'), 'snmpd and the snmp tools (apt-get install snmpd snmp) are needed');
const V3 = { user: 'vigieuser', authKey: 'auth-pass-123', privKey: 'priv-pass-456' };
let agent: Snmpd | null = null;
const cli = (args: string[]) => run(process.execPath, ['bin/vigie.js', 'snmp', ...args], { cwd: new URL('../../', import.meta.url).pathname, timeout: 60_000 });

before(async () => {
  if (!skip) agent = await startSnmpd(V3, 'vigie-ro');
});
after(async () => agent?.stop());

test('v2c inventory of a real snmpd: identity, interfaces, software, storage', { skip }, async () => {
  const s = new SnmpSession({ host: '127.0.0.1', port: agent!.port }, { version: 'v2c', community: 'vigie-ro' });
  try {
    const inv = await collectInventory(s, fingerprints());
    assert.equal(inv.sysName, 'vigie-test-snmpd');
    assert.equal(inv.osId, 'linux');
    assert.ok(inv.version && /^\d+\.\d+/.test(inv.version), `kernel version, found ${inv.version}`);
    assert.ok(inv.interfaces.some((i) => i.ips.includes('127.0.0.1')), 'loopback interface with its address');
    assert.ok(inv.storage.length > 0, 'hrStorage');
    assert.deepEqual(inv.problems, []);
  } finally {
    s.close();
  }
});

test('SNMPv3 authPriv SHA-256 + AES-128 through the CLI, JSON output shape', { skip }, async () => {
  const { stdout } = await cli(['inventory', `127.0.0.1:${agent!.port}`, '--v3-user', V3.user, '--auth-proto', 'sha256', '--auth-key', V3.authKey, '--priv-proto', 'aes', '--priv-key', V3.privKey, '--json']);
  const inv = JSON.parse(stdout) as Record<string, unknown>;
  for (const k of ['sysName', 'sysDescr', 'sysObjectID', 'vendor', 'os', 'version', 'model', 'serial', 'type', 'uptime', 'interfaces', 'modules', 'neighbors', 'software', 'storage']) assert.ok(k in inv, `output has ${k}`);
  assert.equal(inv.sysName, 'vigie-test-snmpd');
  const ifs = inv.interfaces as Record<string, unknown>[];
  for (const k of ['index', 'name', 'descr', 'alias', 'type', 'mac', 'speed', 'adminStatus', 'operStatus', 'ips']) assert.ok(k in ifs[0]!, `interface has ${k}`);
});

test('SNMPv3 wrong auth key, unknown user, wrong community: clear errors, exit 1', { skip }, async () => {
  const base = [`127.0.0.1:${agent!.port}`, '--timeout', '800', '--retries', '0'];
  const cases: [string[], RegExp][] = [
    [['--v3-user', V3.user, '--auth-proto', 'sha256', '--auth-key', 'wrong-key-999', '--priv-proto', 'aes', '--priv-key', V3.privKey], /SNMPv3 authentication failed .*(Digest|password)/i],
    [['--v3-user', 'nobody', '--auth-proto', 'sha256', '--auth-key', V3.authKey, '--priv-proto', 'aes', '--priv-key', V3.privKey], /SNMPv3 authentication failed .*Unknown User/i],
    [['--community', 'wrong'], /no answer \(timeout\) — wrong community\/keys/],
  ];
  for (const [args, re] of cases) {
    await assert.rejects(cli(['inventory', ...base, ...args]), (e: { code?: number; stderr?: string }) => e.code === 1 && re.test(e.stderr ?? ''), re.source);
  }
});
