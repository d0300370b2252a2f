/**
 * `vigie kb reprocess` in a child process, on each dialect, over inputs imported with `vigie kb import`
 * (server/kb/testdata/reprocess): per-input lines and summary, --json, what to do about findings, usage errors
 * (exit 2) and a corrupt stored payload (exit 1, the other inputs still processed).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createTestDb, dialectSkip, testDialects } from '../../../test/helpers/db.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const DIR = join(ROOT, 'server/kb/testdata/reprocess');

interface JsonReport {
  inputs: { id: number; source: string; name: string; status: string; records: number; changed: number; problems: number; ms: number; reason?: string }[];
  totals: { inputs: number; reprocessed: number; failed: number; changed: number };
  rematch: { needed: boolean; how: string };
}

for (const dialect of testDialects()) {
  describe(`vigie kb reprocess on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);

    test('lines per input and a summary, --json, usage errors, a corrupt payload', { skip }, async () => {
      const t = await createTestDb(dialect);
      const vigie = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile(process.execPath, [join(ROOT, 'bin/vigie.js'), 'kb', ...args], { env: { PATH: process.env.PATH, VIGIE_DB_URL: t.url, VIGIE_SERVER_LOG_LEVEL: 'silent' }, timeout: 120_000 }, (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
        });
      try {
        const imported = await vigie(['import', DIR, '--no-progress']);
        assert.equal(imported.code, 0, imported.stderr + imported.stdout);

        const plain = await vigie(['reprocess']);
        assert.equal(plain.code, 0, plain.stderr);
        const lines = plain.stdout.trim().split('\n');
        assert.equal(lines.length, 8, plain.stdout);
        assert.match(lines[0]!, /^kb_raw \d+ debian-osv \S+\/debian-cve-2026\.jsonl: reprocessed, 1 records, 0 changed, 0 rules, 0 problems, 1 left to later inputs, \d+ ms$/);
        assert.match(lines[2]!, /^kb_raw \d+ kev \S+\/kev-2026-03-15\.json: reprocessed, 3 records, 0 changed, 0 rules, 0 problems, \d+ ms$/);
        assert.match(lines[6]!, /^6 input\(s\): 6 reprocessed, 0 failed, 0 not reprocessable; 10 records, 0 changed, 0 problems in \d+ ms$/);
        assert.equal(lines[7], 'nothing changed in the knowledge base: findings need no re-evaluation');

        // An importer fix seen as rules that were never written: they come back, and the way to findings is said.
        await t.db.kysely.deleteFrom('vulnerability_rules').where('vulnerability_id', '=', 'CVE-2026-10002').execute();
        const json = await vigie(['reprocess', '--source', 'nvd', '--json']);
        assert.equal(json.code, 0, json.stderr);
        const report = JSON.parse(json.stdout) as JsonReport;
        assert.deepEqual(report.inputs.map((i) => [i.source, i.name.split('/').pop(), i.status, i.records, i.changed]), [['nvd', 'nvd-2026-01-10.json', 'reprocessed', 2, 1], ['nvd', 'nvd-2026-02-01.json', 'reprocessed', 1, 0]]);
        assert.equal(report.rematch.needed, true);
        assert.match(report.rematch.how, /1 changed record\(s\) are queued .* a running `vigie server` rematches .*; without one, run `vigie match`/);
        assert.equal((await t.db.kysely.selectFrom('vulnerability_rules').select('id').where('vulnerability_id', '=', 'CVE-2026-10002').execute()).length, 1);

        const badSource = await vigie(['reprocess', '--source', 'nope']);
        assert.equal(badSource.code, 2);
        assert.match(badSource.stderr, /kb reprocess: --source expects one of circl, nvd, .*kev.*, found nope/);
        const badInput = await vigie(['reprocess', '--input', 'nope.json']);
        assert.equal(badInput.code, 2);
        assert.match(badInput.stderr, /kb reprocess: --input expects the id or name of a stored input, found "nope\.json"/);

        await t.db.kysely.updateTable('kb_raw').set({ payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]) }).where('source', '=', 'kev').where('name', 'like', '%kev-2026-03-01.json').execute();
        const corrupt = await vigie(['reprocess', '--source', 'kev', 'nvd']);
        assert.equal(corrupt.code, 1, corrupt.stdout);
        assert.match(corrupt.stdout, /kb_raw \d+ kev \S+kev-2026-03-01\.json: failed — \S+kev-2026-03-01\.json: stored payload \(kb_raw \d+\): expected a complete gzip stream, found /);
        assert.match(corrupt.stdout, /4 input\(s\): 3 reprocessed, 1 failed, 0 not reprocessable/);
        const only = await vigie(['reprocess', '--input', 'kev-2026-03-15.json', '--json']);
        assert.equal(only.code, 0, only.stderr);
        assert.deepEqual((JSON.parse(only.stdout) as JsonReport).totals, { ...(JSON.parse(only.stdout) as JsonReport).totals, inputs: 1, reprocessed: 1, changed: 0 });
      } finally {
        await t.drop();
      }
    });
  });
}
