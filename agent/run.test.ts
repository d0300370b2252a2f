/**
 * The agent's conversation with a server, against a small OCS-speaking HTTP server on 127.0.0.1: zlib both ways,
 * PROLOG then INVENTORY, STOP honoured, PROLOG_FREQ and ACCOUNT_UPDATE persisted, Basic auth, the spool when the
 * server is down (delivered first on the next run), the daemon's jittered schedule and backoff.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { recordedContext } from '../test/helpers/collector-context.js';
import { collectors } from './collectors/index.js';
import { parseAgentConfig, type AgentConfig } from './config.js';
import { parseReply } from './ocs-xml.js';
import { nextDelayMs, openSession, runDaemon, runLocal, runOnce } from './run.js';

interface Seen { query: string; ua: string; auth: string | undefined; body: string }

function fakeOcsServer(answer: (query: string, body: string) => string) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = inflateSync(Buffer.concat(chunks)).toString('utf8');
      const query = /<QUERY>(\w+)<\/QUERY>/.exec(body)?.[1] ?? '';
      seen.push({ query, ua: req.headers['user-agent'] ?? '', auth: req.headers.authorization, body });
      res.writeHead(200, { 'Content-Type': 'application/x-compressed' });
      res.end(deflateSync(Buffer.from(`<?xml version='1.0' encoding='UTF-8'?>\n${answer(query, body)}`)));
    });
  });
  return { server, seen };
}

const config = (dir: string, patch: Partial<AgentConfig>): AgentConfig => parseAgentConfig({ stateDir: dir, ...patch });
const session = (cfg: AgentConfig) => openSession(cfg, { ctx: recordedContext('debian-12'), collectors, log: () => undefined });

describe('agent ↔ OCS server', () => {
  let dir: string;
  let stop = false;
  const fake = fakeOcsServer((q) => {
    if (q === 'PROLOG') return `<REPLY><RESPONSE>${stop ? 'STOP' : 'SEND'}</RESPONSE><PROLOG_FREQ>12</PROLOG_FREQ></REPLY>`;
    return '<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE><ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>Paris &amp; Lyon</KEYVALUE></ACCOUNTINFO></REPLY>';
  });
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-agent-'));
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/ocsinventory`;
  });
  after(() => {
    fake.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('PROLOG then INVENTORY; PROLOG_FREQ and ACCOUNT_UPDATE kept; TAG sent back next time', async () => {
    const s = session(config(dir, { server: url, tag: 'first', user: 'ocs', password: 'secret' }));
    const r = await runOnce(s);
    assert.equal(r.outcome, 'sent');
    assert.deepEqual(fake.seen.map((x) => x.query), ['PROLOG', 'INVENTORY']);
    assert.match(fake.seen[0]!.ua, /^OCS-NG_unified_unix_agent_v/);
    assert.equal(fake.seen[0]!.auth, `Basic ${Buffer.from('ocs:secret').toString('base64')}`);
    assert.match(fake.seen[1]!.body, /<KEYNAME>TAG<\/KEYNAME>\s*<KEYVALUE>first<\/KEYVALUE>/);
    assert.match(fake.seen[1]!.body, /<SOURCE_PACKAGE>openssl<\/SOURCE_PACKAGE>/);
    const again = session(config(dir, { server: url, tag: 'first' }));
    assert.equal(again.state.prologFreqHours, 12);
    assert.deepEqual(again.state.accountInfo, [{ key: 'TAG', value: 'Paris & Lyon' }]);
    assert.equal(again.state.deviceId, s.state.deviceId, 'DEVICEID is stable across runs');
    await runOnce(again);
    assert.match(fake.seen[3]!.body, /<KEYVALUE>Paris &amp; Lyon<\/KEYVALUE>/, 'the server-assigned TAG wins over --tag');
  });

  test('STOP: no inventory', async () => {
    fake.seen.length = 0;
    stop = true;
    const r = await runOnce(session(config(dir, { server: url })));
    stop = false;
    assert.equal(r.outcome, 'stopped');
    assert.deepEqual(fake.seen.map((x) => x.query), ['PROLOG']);
  });

  test('server down: the inventory is spooled, then delivered first when the server is back', async () => {
    const down = session(config(dir, { server: 'http://127.0.0.1:9/ocsinventory', timeoutSeconds: 5 }));
    const r = await runOnce(down);
    assert.equal(r.outcome, 'spooled');
    assert.equal(down.store.spooled().length, 1);
    fake.seen.length = 0;
    const back = session(config(dir, { server: url }));
    const r2 = await runOnce(back);
    assert.equal(r2.sentSpooled, 1);
    assert.deepEqual(fake.seen.map((x) => x.query), ['PROLOG', 'INVENTORY', 'INVENTORY']);
    assert.equal(back.store.spooled().length, 0);
  });

  test('--daemon: runs, schedules the next run, stops on abort', async () => {
    fake.seen.length = 0;
    const lines: string[] = [];
    const s = openSession(config(dir, { server: url, jitter: 0 }), { ctx: recordedContext('debian-12'), collectors, log: (l) => lines.push(l) });
    const ac = new AbortController();
    const done = runDaemon(s, ac.signal);
    while (!lines.some((l) => l.startsWith('next run in'))) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await done;
    assert.deepEqual(fake.seen.map((x) => x.query), ['PROLOG', 'INVENTORY']);
    assert.ok(lines.includes('next run in 720 min'), 'PROLOG_FREQ 12 h, no jitter');
  });

  test('--local writes <DEVICEID>.ocs in a folder', async () => {
    const s = session(config(dir, {}));
    const file = await runLocal(s, dir);
    assert.equal(file, join(dir, `${s.state.deviceId}.ocs`));
  });
});

test('daemon schedule: PROLOG_FREQ minus jitter, exponential backoff capped at the period', () => {
  const c = parseAgentConfig({ intervalHours: 24, jitter: 0.25, retryMinutes: 5 });
  assert.equal(nextDelayMs(c, 12, 0, () => 0), 12 * 3600_000);
  assert.equal(nextDelayMs(c, 12, 0, () => 1), 9 * 3600_000);
  assert.equal(nextDelayMs(c, null, 0, () => 0), 24 * 3600_000);
  assert.deepEqual([1, 2, 3, 4].map((f) => nextDelayMs(c, 12, f, () => 0)), [5, 10, 20, 40].map((m) => m * 60_000));
  assert.equal(nextDelayMs(c, 1, 10, () => 0), 3600_000);
});

test('REPLY parsing: RESPONSE, PROLOG_FREQ, ACCOUNTINFO, OPTION ignored', () => {
  const r = parseReply("<?xml version='1.0'?><REPLY><OPTION><NAME>DOWNLOAD</NAME><PARAM TYPE='CONF'/></OPTION><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>10</PROLOG_FREQ></REPLY>");
  assert.deepEqual(r, { response: 'SEND', prologFreqHours: 10, accountInfo: [] });
});

test('--lazy: no contact before PROLOG_FREQ hours have passed since the last inventory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-agent-lazy-'));
  try {
    const s = session(config(dir, { server: 'http://127.0.0.1:9/ocsinventory' }));
    s.state.prologFreqHours = 24;
    s.state.lastSuccessAt = new Date(Date.now() - 3600_000).toISOString();
    assert.equal((await runOnce(s, { lazy: true })).outcome, 'stopped');
    s.state.lastSuccessAt = new Date(Date.now() - 25 * 3600_000).toISOString();
    s.config.timeoutSeconds = 3;
    assert.equal((await runOnce(s, { lazy: true })).outcome, 'spooled', 'due: contacts the server (down here)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an inventory the server refuses (HTTP 4xx) is not spooled; a 5xx one is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-agent-refused-'));
  let status = 400;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const prolog = inflateSync(Buffer.concat(chunks)).toString().includes('<QUERY>PROLOG</QUERY>');
      res.writeHead(prolog ? 200 : status);
      res.end(prolog ? deflateSync(Buffer.from('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>')) : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const s = session(config(dir, { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsinventory` }));
    assert.equal((await runOnce(s)).outcome, 'refused');
    assert.equal(s.store.spooled().length, 0);
    status = 503;
    assert.equal((await runOnce(s)).outcome, 'spooled');
    assert.equal(s.store.spooled().length, 1);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
