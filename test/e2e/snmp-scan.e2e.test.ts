/**
 * Issue 3 "Must show": a scan started through the API discovers simulated devices (snmpsim sweep on
 * 127.0.0.2–127.0.0.3, plus an address nobody answers on), stores them as assets with their firmware as software
 * (origin os), and a second scan after the recording changed (firmware upgraded, port added) records the changes
 * in the asset's history. Runs on every test dialect; only loopback is scanned (snmp.allowedTargets).
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../server/config/schema.js';
import { createToken } from '../../server/db/repositories/tokens.js';
import { buildApp } from '../../server/http/app.js';
import { compareOids } from '../../server/snmp/types.js';
import { hasShared, skipUnless } from '../helpers/components.js';
import { createTestDb, dialectSkip, testDialects } from '../helpers/db.js';
import { SNMP_DEV } from '../helpers/snmp-score.js';
import { hasSnmpsim, startSnmpsim } from '../helpers/snmpsim.js';

const skip = skipUnless(hasShared && hasSnmpsim(), 'snmpsim, the snmp tools and ../shared/corpus/snmp/dev are needed');

interface Scan { id: number; status: string; total: number; found: number; stored: number; failed: number; problems: string[] }
interface Device { assetId: number; vendor: string | null; kind: string; os: string | null; version: string | null; serial: string | null; hostname: string | null }

/** Rewrites a recording: replaced values and added rows, kept in OID order (snmpsim walks the file in order). */
function editRecording(file: string, set: Record<string, string>): void {
  const rows = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes('|')) rows.set(line.slice(0, line.indexOf('|')), line);
  for (const [oid, rest] of Object.entries(set)) rows.set(oid, `${oid}|${rest}`);
  writeFileSync(file, [...rows.keys()].sort(compareOids).map((k) => rows.get(k)).join('\n') + '\n');
}

for (const dialect of testDialects()) {
  test(`snmp scan via the API stores devices and records changes (${dialect})`, { skip: skip || (await dialectSkip(dialect)), timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-snmp-scan-'));
    // sweep order is alphabetical: 127.0.0.2 = fortigate, 127.0.0.3 = ios switch
    // snmpsimd drops to nobody when started as root: the copies must be world-readable
    chmodSync(dir, 0o755);
    for (const f of ['fortigate_60f', 'ios_c3560']) {
      copyFileSync(`${SNMP_DEV}${f}.snmprec`, join(dir, `${f}.snmprec`));
      chmodSync(join(dir, `${f}.snmprec`), 0o644);
    }
    const sim = await startSnmpsim(dir, { sweep: 2 });
    const tdb = await createTestDb(dialect);
    const config = configSchema.parse({
      db: { url: tdb.url },
      server: { logLevel: 'silent' },
      snmp: { credentials: [{ name: 'wrong', community: 'nope' }, { name: 'lab', community: 'public' }], allowedTargets: ['127.0.0.0/8'], timeoutMs: 1500, retries: 1, port: sim.port },
    });
    const app = await buildApp(config, { db: tdb.db, logger: false });
    const { token } = await createToken(tdb.db.kysely, 'test');
    const api = async <T>(path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await app.inject({
        method: body ? 'POST' : 'GET', url: `/api/v1${path}`,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, body: res.json() as T };
    };
    const scan = async (): Promise<Scan> => {
      const started = await api<Scan>('/snmp/scans', { targets: ['127.0.0.2-127.0.0.4'] });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      for (let i = 0; i < 600; i++) {
        const s = (await api<Scan>(`/snmp/scans/${started.body.id}`)).body;
        if (s.status === 'done' || s.status === 'failed') return s;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error('scan did not finish');
    };
    try {
      const refused = await api<{ error: { code: string } }>('/snmp/scans', { targets: ['10.0.0.1'] });
      assert.equal(refused.status, 200, 'accepted, then refused by policy inside the run');
      const first = await scan();
      assert.equal(first.status, 'done', first.problems.join('; '));
      assert.deepEqual([first.total, first.found, first.stored, first.failed], [3, 2, 2, 0]);

      const devices = (await api<{ items: Device[] }>('/snmp/devices')).body.items;
      assert.deepEqual(devices.map((d) => [d.vendor, d.kind, d.version]).sort(), [['Cisco', 'network', '12.2(55)SE12'], ['Fortinet', 'network', '7.2.6']]);
      const fgt = devices.find((d) => d.vendor === 'Fortinet')!;
      assert.equal(fgt.serial, 'FGT60FTK00000000');
      const sw = (await api<{ items: { name: string; version: string; origin: string }[] }>(`/assets/${fgt.assetId}/software`)).body.items;
      assert.ok(sw.some((s) => s.name === 'FortiOS' && s.version === '7.2.6' && s.origin === 'os'), JSON.stringify(sw));

      // firmware upgrade and a new port on the FortiGate, then scan again
      editRecording(join(dir, 'fortigate_60f.snmprec'), {
        '1.3.6.1.4.1.12356.101.4.1.1.0': '4|v7.2.8,build1639,240313 (GA.F)',
        '1.3.6.1.2.1.2.2.1.2.99': '4|port99',
        '1.3.6.1.2.1.2.2.1.3.99': '2|6',
        '1.3.6.1.2.1.2.2.1.6.99': '4x|00090f0a0b0c',
        '1.3.6.1.2.1.31.1.1.1.1.99': '4|port99',
      });
      const second = await scan();
      assert.deepEqual([second.status, second.found, second.stored], ['done', 2, 2], second.problems.join('; '));
      const after = (await api<{ items: Device[] }>('/snmp/devices')).body.items;
      assert.equal(after.length, 2, 'same assets found again by identity');
      assert.equal(after.find((d) => d.vendor === 'Fortinet')!.version, '7.2.8');
      const changes = (await api<{ items: { kind: string; subject: string; oldValue: string | null; newValue: string | null }[] }>(`/assets/${fgt.assetId}/changes?limit=200`)).body.items;
      const text = changes.map((c) => `${c.kind} ${c.subject} ${c.oldValue ?? ''}→${c.newValue ?? ''}`).join('\n');
      console.log(`changes recorded for the FortiGate:\n${text}`);
      assert.ok(changes.some((c) => /upgrad/i.test(c.kind) && c.subject === 'FortiOS' && c.oldValue === '7.2.6' && c.newValue === '7.2.8'), text);
      // the new port's MAC (diff.ts records interface changes as MAC/IP added/removed)
      assert.ok(changes.some((c) => c.kind === 'mac_added' && c.newValue === '00:09:0f:0a:0b:0c'), text);
      // the unchanged switch: no change at all on the second scan
      const ios = after.find((d) => d.vendor === 'Cisco')!;
      const iosChanges = (await api<{ items: { kind: string }[] }>(`/assets/${ios.assetId}/changes?limit=200`)).body.items;
      assert.deepEqual(iosChanges.map((c) => c.kind), ['asset_created']);
    } finally {
      await app.close();
      await sim.stop();
      await tdb.drop();
    }
  });
}
