/**
 * FlowMonitor: logs a mandatory flow once when it breaks (error), then as a warning while it stays broken, and
 * when it recovers; `vigie server`'s start-up check fills the last report without blocking. Loopback only.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createTestDb, dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { flowFailing } from '../../alerts/rules/flow-failing.js';
import { configSchema } from '../../config/schema.js';
import { buildApp } from '../../http/app.js';
import { startOps } from '../server-start.js';
import { FlowMonitor } from './monitor.js';

const LO = '127.0.0.1';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, LO, ok));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

function recorder() {
  const lines: { level: string; msg: string; flow?: unknown }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, ...(obj as { flow?: unknown }) });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

test('breaks (error), stays broken (warn), recovers (info)', async () => {
  const port = await freePort();
  const config = configSchema.parse({ kb: { sources: [] }, network: { dnsServers: [], checkTimeoutMs: 1000 }, alerts: { channels: { hook: { type: 'webhook', url: `http://${LO}:${port}/x` } } } });
  const { lines, log } = recorder();
  // network.dnsServers: [] would read /etc/resolv.conf: keep only the loopback webhook flow.
  const monitor = new FlowMonitor({ ...config, network: { ...config.network, dnsServers: [`${LO}:${port}`] } }, log);
  const webhook = (l: { flow?: unknown }) => l.flow === 'webhooks:hook';
  assert.equal((await monitor.run('api')).ok, false);
  assert.deepEqual(lines.filter(webhook).map((l) => [l.level, l.msg]), [['error', 'mandatory network flow fails']]);
  await monitor.run('schedule');
  assert.deepEqual(lines.filter(webhook).map((l) => l.level), ['error', 'warn']);
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((ok) => server.listen(port, LO, ok));
  try {
    await monitor.run('schedule');
    assert.deepEqual(lines.filter(webhook).map((l) => [l.level, l.msg]).at(-1), ['info', 'network flow recovered']);
    assert.equal(monitor.last?.trigger, 'schedule');
  } finally {
    server.close();
  }
});

test('vigie server start: the flow check runs in the background and fills the last report', async () => {
  const port = await freePort();
  const tdb = await createTestDb('sqlite');
  const config = configSchema.parse({ db: { url: tdb.url }, server: { logLevel: 'silent' }, kb: { sources: [] }, network: { dnsServers: [`${LO}:${port}`], checkTimeoutMs: 500 } });
  const monitor = new FlowMonitor(config);
  const app = await buildApp(config, { db: tdb.db, logger: false, flowMonitor: monitor });
  await app.listen({ host: LO, port: 0 });
  const undo = startOps(app, config, monitor);
  try {
    const last = () => monitor.last; // a getter: the assertion below must not narrow it to null for good
    assert.equal(last(), null, 'start-up does not wait for the check');
    const deadline = Date.now() + 3000;
    while (!last() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(last()?.trigger, 'startup');
    assert.equal(last()?.results.find((r) => r.provider === 'dns')?.status, 'refused');
  } finally {
    undo();
    await app.close();
    await tdb.drop();
  }
});

for (const dialect of testDialects()) {
  test(`[${dialect}] each host's last check is stored; the flow-failing rule alerts while a mandatory flow fails`, async (t) => {
    const why = await dialectSkip(dialect);
    if (why) return t.skip(why);
    const tdb = await createTestDb(dialect);
    try {
      const port = await freePort();
      const config = configSchema.parse({ kb: { sources: [] }, network: { dnsServers: [`${LO}:${port}`], checkTimeoutMs: 500 }, alerts: { channels: { hook: { type: 'webhook', url: `http://${LO}:${port}/x` } } } });
      const monitor = new FlowMonitor(config, recorder().log);
      monitor.useDb(tdb.db, 'vigie-a');
      const rule = { id: 'flows', channels: ['hook'], ignoreQuietHours: false, type: 'flow-failing' as const, includeOptional: false, maxAgeHours: 24 };
      await monitor.run('api');
      const stored = await tdb.db.kysely.selectFrom('flow_checks').selectAll().execute();
      assert.ok(stored.length >= 1 && stored.every((r) => r.host === 'vigie-a'));
      const hits = await flowFailing.evaluate(tdb.db, rule, new Date());
      assert.ok(hits.some((h) => h.dedupKey === 'flow:vigie-a:webhooks:hook' && h.severity === 'critical' && /refused|blocked/.test(h.text)), JSON.stringify(hits));
      // Too old to be evidence of now: ignored.
      assert.deepEqual(await flowFailing.evaluate(tdb.db, rule, new Date(Date.now() + 25 * 3_600_000)), []);
      const server = net.createServer((s) => s.destroy());
      await new Promise<void>((ok) => server.listen(port, LO, ok));
      try {
        await monitor.run('schedule');
      } finally {
        server.close();
      }
      const after = await flowFailing.evaluate(tdb.db, rule, new Date());
      assert.ok(!after.some((h) => h.dedupKey === 'flow:vigie-a:webhooks:hook'), JSON.stringify(after));
    } finally {
      await tdb.drop();
    }
  });
}
