/**
 * Two real `vigie server` processes on one PostgreSQL database, both scheduling the digest at the same
 * instants (a 6-field cron every 2 s stands for "07:30 every day"), for at least 20 periods: each period's
 * digest reaches each channel (a webhook and an SMTP server on 127.0.0.1) exactly once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDb, dialectSkip } from '../helpers/db.js';
import { parseMime, startHttp, startSmtp } from '../helpers/receivers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PERIODS = 20;
const EVERY = 2; // seconds between simulated periods

test('two vigie server processes on one PostgreSQL: one digest per channel per period', { timeout: 180_000 }, async (t) => {
  const skip = await dialectSkip('postgres');
  if (skip) return t.skip(skip);
  const tdb = await createTestDb('postgres');
  const smtp = await startSmtp();
  const hook = await startHttp();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-2srv-'));
  const procs: ChildProcess[] = [];
  try {
    const config = [
      `db: { url: "${tdb.url}", poolSize: 4 }`,
      'server: { host: 127.0.0.1, port: 0, logLevel: warn }',
      'jobs: { pollSeconds: 0.25 }',
      'alerts:',
      '  timezone: Europe/Paris',
      '  channels:',
      `    mail: { type: email, host: 127.0.0.1, port: ${smtp.port}, security: none, from: vigie@example.org, to: [secops@example.org] }`,
      `    hook: { type: webhook, url: "${hook.url}/digest", secret: k }`,
      `  digest: { cron: "*/${EVERY} * * * * *", channels: [mail, hook], lang: en, catchUpHours: 0.001 }`,
    ].join('\n');
    writeFileSync(join(dir, 'vigie.yaml'), config);
    // Both processes start before the first slot they will compete for.
    for (let i = 0; i < 2; i++) {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIE_') || k.startsWith('VIGIE_TEST_')));
      const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'server', '--config', join(dir, 'vigie.yaml')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr?.on('data', (d: Buffer) => process.stderr.write(`[server ${i}] ${d.toString()}`));
      procs.push(p);
    }
    const periodsOf = () => new Set(hook.requests.map((r) => (JSON.parse(r.body) as { data: { period: { key: string } } }).data.period.key));
    const deadline = Date.now() + 150_000;
    while (periodsOf().size < PERIODS + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));

    const hookPeriods = hook.requests.map((r) => (JSON.parse(r.body) as { data: { period: { key: string } } }).data.period.key);
    const mailIds = smtp.messages.map((m) => parseMime(m.raw).headers['message-id']);
    t.diagnostic(`periods seen: ${new Set(hookPeriods).size}; webhook posts ${hookPeriods.length}; mails ${mailIds.length}`);
    assert.ok(new Set(hookPeriods).size >= PERIODS, `at least ${PERIODS} periods ran`);
    assert.equal(hookPeriods.length, new Set(hookPeriods).size, 'no period posted twice to the webhook');
    assert.equal(mailIds.length, new Set(mailIds).size, 'no period mailed twice');
    const db = tdb.db.kysely;
    const rows = await db.selectFrom('alert_outbox').select(['channel', 'period', 'status']).where('kind', '=', 'digest').execute();
    const sent = rows.filter((r) => r.status === 'sent');
    assert.ok(sent.length >= 2 * PERIODS);
    const nodes = await db.selectFrom('alert_deliveries').select('node').distinct().execute();
    t.diagnostic(`deliveries made by ${nodes.length} node(s)`);
    const acked = await db.selectFrom('alert_deliveries').select(['outbox_id']).where('outcome', '=', 'acknowledged').execute();
    assert.equal(acked.length, new Set(acked.map((a) => a.outbox_id)).size, 'one acknowledged delivery per outbox row');
    // Every message received matches one sent outbox row, per channel.
    assert.equal(mailIds.length, sent.filter((r) => r.channel === 'mail').length);
    assert.equal(hookPeriods.length, sent.filter((r) => r.channel === 'hook').length);
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await smtp.close();
    await hook.close();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
