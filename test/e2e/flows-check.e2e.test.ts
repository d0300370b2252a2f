/**
 * `vigie flows check` end to end against services this test starts on 127.0.0.1 only: a TCP listener
 * (PostgreSQL stand-in), an HTTPS server with a test CA (good and wrong certificate name), a DNS responder,
 * an SNTP responder, an SMTP server (smtp-server), an SNMP agent (net-snmp's own), plus a closed port
 * (refused), a silent UDP port and a TCP listener whose accept queue is full (blocked), and a name that
 * does not resolve. Each must be reported as such, within its timeout. No other address is ever contacted.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import snmp from 'net-snmp';
import { SMTPServer } from 'smtp-server';
import { configSchema } from '../../server/config/schema.js';
import { checkFlows, formatCheck, type CheckReport } from '../../server/ops/flows/check.js';
import { collectFlows } from '../../server/ops/flows/matrix.js';
import { makeTestCa } from '../helpers/tls.js';

const LO = '127.0.0.1';
const TIMEOUT = 1000;
const closers: (() => unknown)[] = [];
const ports: Record<string, number> = {};

/** Only loopback: any other name is a test bug and must fail, not leak to a real resolver. */
const resolve = async (host: string): Promise<string[]> => {
  if (host === 'good.test' || host === 'wrong.test') return [LO];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

function listenTcp(server: net.Server): Promise<number> {
  return new Promise((ok) => server.listen(0, LO, () => ok((server.address() as net.AddressInfo).port)));
}
function bindUdp(sock: dgram.Socket): Promise<number> {
  return new Promise((ok) => sock.bind(0, LO, () => ok(sock.address().port)));
}

/** Answers every A query with 127.0.0.1 (enough of RFC 1035 for one question). */
function dnsResponder(msg: Buffer): Buffer {
  let o = 12;
  while (msg[o]! !== 0) o += msg[o]! + 1;
  const question = msg.subarray(12, o + 5);
  const head = Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([head, question, answer]);
}

function sntpReply(req: Buffer): Buffer {
  const r = Buffer.alloc(48);
  r[0] = (0 << 6) | (4 << 3) | 4;
  r[1] = 2;
  req.copy(r, 24, 40, 48); // origin = the client's transmit time
  const now = Date.now();
  r.writeUInt32BE(Math.floor(now / 1000) + 2_208_988_800, 40);
  return r;
}

let report: CheckReport;
let stuck: ChildProcess | undefined;

before(async () => {
  const ca = makeTestCa();
  const leaf = ca.issue('good', ['good.test']);

  const tcp = net.createServer((s) => s.destroy());
  ports.tcp = await listenTcp(tcp);
  closers.push(() => tcp.close());

  const https = tls.createServer({ cert: leaf.cert, key: leaf.key }, (s) => s.end());
  ports.https = await listenTcp(https);
  closers.push(() => https.close());

  const closed = net.createServer();
  ports.closed = await listenTcp(closed);
  await new Promise((ok) => closed.close(ok)); // the port is now closed: connect gets RST

  const dnsSock = dgram.createSocket('udp4');
  dnsSock.on('message', (m, rinfo) => dnsSock.send(dnsResponder(m), rinfo.port, rinfo.address));
  ports.dns = await bindUdp(dnsSock);
  closers.push(() => dnsSock.close());

  const ntpSock = dgram.createSocket('udp4');
  ntpSock.on('message', (m, rinfo) => ntpSock.send(sntpReply(m), rinfo.port, rinfo.address));
  ports.ntp = await bindUdp(ntpSock);
  closers.push(() => ntpSock.close());

  const silent = dgram.createSocket('udp4'); // bound, never answers: a dropped NTP flow
  ports.silent = await bindUdp(silent);
  closers.push(() => silent.close());

  const closedUdp = dgram.createSocket('udp4');
  ports.closedUdp = await bindUdp(closedUdp);
  await new Promise<void>((ok) => closedUdp.close(() => ok())); // ICMP port unreachable from now on

  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, banner: 'vigie test relay' });
  ports.smtp = await new Promise<number>((ok) => smtp.listen(0, LO, () => ok((smtp.server.address() as net.AddressInfo).port)));
  closers.push(() => smtp.close());

  // net-snmp's agent (not in server/snmp's typed slice): any community, one scalar, sysObjectID.
  type Agent = { getMib(): { registerProvider(p: object): void; setScalarValue(n: string, v: string): void }; close(): void };
  const s = snmp as unknown as { createAgent(o: object, cb: (e: Error | null) => void): Agent; MibProviderType: { Scalar: number }; ObjectType: Record<string, number>; MaxAccess: Record<string, number> };
  const snmpProbe = dgram.createSocket('udp4');
  ports.snmp = await bindUdp(snmpProbe);
  await new Promise<void>((ok) => snmpProbe.close(() => ok()));
  const agent = s.createAgent({ port: ports.snmp, address: LO, disableAuthorization: true }, () => undefined);
  agent.getMib().registerProvider({ name: 'sysObjectID', type: s.MibProviderType.Scalar, oid: '1.3.6.1.2.1.1.2', scalarType: s.ObjectType.OID, maxAccess: s.MaxAccess['read-only'] });
  agent.getMib().setScalarValue('sysObjectID', '1.3.6.1.4.1.8072.3.2.10');
  closers.push(() => agent.close());

  // A listener whose process never accepts: a child Node bound with backlog 1 (0 means "default" to Node) then
  // parked in Atomics.wait (no CPU).
  // Queued connections fill the accept queue (backlog + 1); later SYNs are dropped, as by a DROP firewall rule.
  stuck = spawn(process.execPath, ['-e', `const s = require('node:net').createServer();
s.listen({ port: 0, host: '${LO}', backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000));
});`], { stdio: ['ignore', 'pipe', 'inherit'] });
  ports.full = await new Promise<number>((ok) => stuck!.stdout!.once('data', (d: Buffer) => ok(Number(d.toString().trim()))));
  for (let i = 0; i < 4; i++) {
    const filler = net.connect({ host: LO, port: ports.full });
    filler.on('error', () => undefined);
    closers.push(() => filler.destroy());
  }
  await new Promise((r) => setTimeout(r, 200));

  const config = configSchema.parse({
    db: { url: `postgres://vigie@${LO}:${ports.tcp}/vigie` },
    network: {
      dnsServers: [`${LO}:${ports.dns}`, `${LO}:${ports.silent}`],
      ntpServers: [`${LO}:${ports.ntp}`, `${LO}:${ports.silent}`, `${LO}:${ports.closedUdp}`],
      publicFqdn: 'vigie.test',
    },
    kb: { sources: ['kev'], kev: { url: 'https://kev.nowhere.test/feed.json' } },
    snmp: { credentials: [{ name: 'lab', version: 'v2c', community: 'public' }], scans: [{ name: 'lab', targets: [`${LO}:${ports.snmp}`], schedule: '0 2 * * *' }] },
    alerts: {
      channels: {
        relay: { type: 'email', host: LO, port: ports.smtp, security: 'none', from: 'vigie@example.org', to: ['ops@example.org'] },
        good: { type: 'webhook', url: `https://good.test:${ports.https}/hook` },
        wrong: { type: 'webhook', url: `https://wrong.test:${ports.https}/hook` },
        down: { type: 'webhook', url: `http://${LO}:${ports.closed}/hook` },
        stuck: { type: 'syslog', host: LO, port: ports.full, transport: 'tcp' },
      },
    },
  });
  // Defence in depth: every probed host is loopback or one of the two test names mapped to it.
  for (const f of collectFlows(config)) {
    const host = f.probe ? (f.probe.kind === 'dns' ? f.probe.server : f.probe.host) : LO;
    assert.ok(host === LO || host.endsWith('.test'), `flow ${f.id} would contact ${host}`);
  }
  report = await checkFlows(collectFlows(config), { timeoutMs: TIMEOUT, resolve, ca: [ca.caPem] });
});

after(async () => {
  stuck?.kill();
  for (const c of closers) await c();
});

const result = (id: string) => {
  const r = report.results.find((x) => x.id === id);
  assert.ok(r, `no result for ${id}; got ${report.results.map((x) => x.id).join(', ')}`);
  return r;
};

test('reachable services are ok: TCP, HTTPS with the right name, DNS, SNTP, SMTP EHLO, SNMP get', () => {
  assert.equal(result('postgres:db').status, 'ok');
  assert.equal(result('webhooks:good').status, 'ok', result('webhooks:good').detail);
  assert.equal(result(`dns:${LO}:${ports.dns}`).status, 'ok', result(`dns:${LO}:${ports.dns}`).detail);
  assert.match(result(`ntp:${LO}:${ports.ntp}`).detail, /stratum 2/);
  assert.equal(result('smtp:relay').status, 'ok', result('smtp:relay').detail);
  assert.match(result('smtp:relay').detail, /EHLO accepted/);
  assert.equal(result('snmp:lab').status, 'ok', result('snmp:lab').detail);
  assert.match(result('snmp:lab').detail, /1\.3\.6\.1\.4\.1\.8072\.3\.2\.10/);
});

test('a wrong certificate name is a TLS error at the tls step', () => {
  const r = result('webhooks:wrong');
  assert.equal(r.status, 'tls-error');
  assert.equal(r.step, 'tls');
  assert.match(r.detail, /ERR_TLS_CERT_ALTNAME_INVALID|does not match|not in the cert/i);
});

test('a closed port is refused (TCP RST, UDP ICMP unreachable)', () => {
  assert.equal(result('webhooks:down').status, 'refused');
  assert.equal(result('webhooks:down').step, 'connect');
  assert.equal(result(`ntp:${LO}:${ports.closedUdp}`).status, 'refused');
});

test('silence is blocked (timeout), within the timeout', () => {
  for (const id of [`ntp:${LO}:${ports.silent}`, `dns:${LO}:${ports.silent}`]) {
    const r = result(id);
    assert.equal(r.status, 'blocked', `${id}: ${r.detail}`);
    assert.ok(r.ms >= TIMEOUT * 0.9 && r.ms < TIMEOUT + 1500, `${id} took ${r.ms} ms`);
  }
});

test('a full accept queue (dropped SYN) is blocked at the connect step', () => {
  const r = result('syslog:stuck');
  assert.equal(r.status, 'blocked', r.detail);
  assert.equal(r.step, 'connect');
  assert.ok(r.ms < TIMEOUT + 1500);
});

test('a name that does not resolve is a DNS failure', () => {
  const r = result('kb:kev');
  assert.equal(r.status, 'dns-failure');
  assert.match(r.detail, /kev\.nowhere\.test/);
});

test('the verdict fails on a mandatory flow; the table names every status', () => {
  assert.equal(report.ok, false);
  const table = formatCheck(report, 'en');
  for (const word of ['ok', 'TLS error', 'refused', 'blocked (timeout)', 'DNS failure', 'At least one mandatory flow fails']) assert.ok(table.includes(word), `table lacks "${word}"\n${table}`);
  assert.match(formatCheck(report, 'fr'), /échec DNS/);
});
