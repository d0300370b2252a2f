/**
 * `vigie flows check`: tests each outbound flow from this host, step by step (DNS resolution, TCP connect,
 * TLS handshake with certificate name check, then the protocol: DNS query, SNTP, SMTP EHLO), each flow
 * within one deadline. The status says which step failed and how, so the firewall team knows what to open.
 */
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { isVigieError } from '../../../common/errors.js';
import { SnmpSession } from '../../snmp/session.js';
import type { SnmpCredential } from '../../snmp/types.js';
import { defaultResolve, type Resolve } from './matrix.js';
import type { Flow, Probe } from './types.js';

export const checkStatuses = ['ok', 'blocked', 'refused', 'dns-failure', 'tls-error', 'error', 'skipped'] as const;
export type CheckStatus = (typeof checkStatuses)[number];

export interface CheckResult {
  id: string;
  provider: string;
  target: string;
  mandatory: boolean;
  status: CheckStatus;
  /** The step that failed (or the last one done when ok). */
  step: 'dns' | 'connect' | 'tls' | 'protocol' | 'none';
  ms: number;
  detail: string;
}

export interface CheckOptions {
  timeoutMs: number;
  /** Name → addresses; the system resolver by default (tests map names to 127.0.0.1). */
  resolve?: Resolve;
  /** Extra trusted CA certificates (PEM) for TLS probes, on top of Node's bundle (NODE_EXTRA_CA_CERTS works too). */
  ca?: string[];
  concurrency?: number;
}

export interface CheckReport {
  startedAt: string;
  ok: boolean;
  results: CheckResult[];
}

class ProbeFailure extends Error {
  constructor(readonly status: CheckStatus, readonly step: CheckResult['step'], message: string) {
    super(message);
  }
}

const isIp = (h: string) => net.isIP(h) !== 0;

/** Runs `fn` with the time left; on expiry calls `abort` (closes sockets) and fails with `status`. */
async function timed<T>(deadline: number, step: CheckResult['step'], status: CheckStatus, fn: (onAbort: (a: () => void) => void) => Promise<T>): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) throw new ProbeFailure(status, step, 'timeout');
  let abort: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort();
      reject(new ProbeFailure(status, step, `no answer within ${Math.round(left)} ms`));
    }, left);
  });
  try {
    return await Promise.race([fn((a) => (abort = a)), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? '';
const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function resolveHost(host: string, deadline: number, resolve: Resolve): Promise<string> {
  if (isIp(host)) return host;
  return timed(deadline, 'dns', 'dns-failure', async () => {
    try {
      const ips = await resolve(host);
      if (!ips[0]) throw new ProbeFailure('dns-failure', 'dns', `${host}: no address`);
      return ips[0];
    } catch (e) {
      if (e instanceof ProbeFailure) throw e;
      throw new ProbeFailure('dns-failure', 'dns', `${host}: ${code(e) || msg(e)}`);
    }
  });
}

function connectFailure(e: unknown): ProbeFailure {
  const c = code(e);
  if (c === 'ECONNREFUSED') return new ProbeFailure('refused', 'connect', 'connection refused (port closed or firewall reject)');
  if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH') return new ProbeFailure('blocked', 'connect', `${c} (no route)`);
  return new ProbeFailure('error', 'connect', c || msg(e));
}

function tcpConnect(ip: string, port: number, deadline: number): Promise<net.Socket> {
  return timed(deadline, 'connect', 'blocked', (onAbort) => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: ip, port });
    onAbort(() => s.destroy());
    s.once('connect', () => resolve(s));
    s.once('error', (e) => reject(connectFailure(e)));
  }));
}

function tlsWrap(socket: net.Socket, servername: string, deadline: number, ca: string[] | undefined): Promise<tls.TLSSocket> {
  return timed(deadline, 'tls', 'blocked', (onAbort) => new Promise<tls.TLSSocket>((resolve, reject) => {
    const t = tls.connect({
      socket,
      host: servername,
      ...(isIp(servername) ? {} : { servername }), // SNI takes names only; an IP target is checked against IP SANs
      ...(ca ? { ca: [...tls.rootCertificates, ...ca] } : {}),
      rejectUnauthorized: true,
    });
    onAbort(() => t.destroy());
    t.once('secureConnect', () => resolve(t));
    t.once('error', (e) => reject(new ProbeFailure('tls-error', 'tls', `${code(e) ? code(e) + ': ' : ''}${msg(e)}`)));
  }));
}

/** Reads SMTP reply lines until the last one of a reply (`250 ok`, not `250-…`); returns its code and text. */
function smtpReply(s: net.Socket, deadline: number): Promise<{ code: number; text: string }> {
  return timed(deadline, 'protocol', 'blocked', (onAbort) => new Promise((resolve, reject) => {
    let buf = '';
    onAbort(() => s.destroy());
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const lines = buf.split('\r\n');
      const last = lines.slice(0, -1).find((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l));
      if (last) {
        s.off('data', onData);
        resolve({ code: Number(last.slice(0, 3)), text: lines.slice(0, -1).join(' / ') });
      }
    };
    s.on('data', onData);
    s.once('error', (e) => reject(new ProbeFailure('error', 'protocol', msg(e))));
    s.once('close', () => reject(new ProbeFailure('error', 'protocol', 'connection closed before a reply')));
  }));
}

/** The 48-byte SNTP client request (RFC 4330): LI 0, version 4, mode 3, our transmit time as the nonce. */
export function sntpRequest(now = Date.now()): Buffer {
  const b = Buffer.alloc(48);
  b[0] = (0 << 6) | (4 << 3) | 3;
  const secs = Math.floor(now / 1000) + 2_208_988_800; // 1900 → 1970
  b.writeUInt32BE(secs >>> 0, 40);
  b.writeUInt32BE(Math.floor(((now % 1000) / 1000) * 2 ** 32) >>> 0, 44);
  return b;
}

/** Checks a reply: server mode (4), not a kiss-o'-death (stratum 0), and it echoes our transmit time. */
export function parseSntpReply(reply: Buffer, request: Buffer): { stratum: number; offsetMs: number } {
  if (reply.length < 48) throw new Error(`expected at least 48 bytes, found ${reply.length}`);
  const mode = reply[0]! & 7;
  if (mode !== 4) throw new Error(`expected mode 4 (server), found ${mode}`);
  if (!reply.subarray(24, 32).equals(request.subarray(40, 48))) throw new Error('origin timestamp does not echo the request (spoofed or stale reply)');
  const stratum = reply[1]!;
  if (stratum === 0) throw new Error(`kiss-o'-death ${reply.subarray(12, 16).toString('latin1')}`);
  const serverMs = (reply.readUInt32BE(40) - 2_208_988_800) * 1000 + (reply.readUInt32BE(44) / 2 ** 32) * 1000;
  return { stratum, offsetMs: Math.round(serverMs - Date.now()) };
}

function ntpQuery(ip: string, port: number, deadline: number): Promise<string> {
  return timed(deadline, 'protocol', 'blocked', (onAbort) => new Promise<string>((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');
    const req = sntpRequest();
    const done = () => { try { sock.close(); } catch { /* already closed */ } };
    onAbort(done);
    sock.on('error', (e) => {
      done();
      // A connected UDP socket gets ICMP port-unreachable back as ECONNREFUSED.
      reject(code(e) === 'ECONNREFUSED' ? new ProbeFailure('refused', 'protocol', 'ICMP port unreachable') : new ProbeFailure('error', 'protocol', msg(e)));
    });
    sock.on('message', (m) => {
      try {
        const r = parseSntpReply(m, req);
        done();
        resolve(`stratum ${r.stratum}, offset ${r.offsetMs} ms`);
      } catch (e) {
        done();
        reject(new ProbeFailure('error', 'protocol', msg(e)));
      }
    });
    sock.connect(port, ip, () => sock.send(req));
  }));
}

/** One GET of sysObjectID.0. An authentication failure still proves the flow is open (the agent answered). */
async function snmpGet(ip: string, port: number, credential: SnmpCredential, deadline: number): Promise<string> {
  const left = Math.max(100, deadline - Date.now());
  const session = new SnmpSession({ host: ip, port }, credential, { timeoutMs: left, retries: 0, maxRepetitions: 1 });
  try {
    return await timed(deadline + 50, 'protocol', 'blocked', async () => {
      try {
        const v = await session.get(['1.3.6.1.2.1.1.2.0']);
        return `sysObjectID ${[...v.values()][0]?.text ?? '(none)'}`;
      } catch (e) {
        if (isVigieError(e) && e.code === 'SNMP_AUTH_FAILED') return `the agent answered but refused the credentials: ${e.message}`;
        if (isVigieError(e) && e.code === 'SNMP_TIMEOUT') throw new ProbeFailure('blocked', 'protocol', 'no answer (filtered, down, or wrong community: v1/v2c agents stay silent)');
        if (code(e) === 'ECONNREFUSED') throw new ProbeFailure('refused', 'protocol', 'ICMP port unreachable');
        throw new ProbeFailure('error', 'protocol', msg(e));
      }
    });
  } finally {
    session.close();
  }
}

async function dnsQuery(p: Extract<Probe, { kind: 'dns' }>, deadline: number, resolve: Resolve): Promise<string> {
  const ip = await resolveHost(p.server, deadline, resolve);
  const left = Math.max(1, deadline - Date.now());
  const r = new Resolver({ timeout: left, tries: 1 });
  r.setServers([net.isIPv6(ip) ? `[${ip}]:${p.port}` : `${ip}:${p.port}`]);
  return timed(deadline, 'protocol', 'blocked', async (onAbort) => {
    onAbort(() => r.cancel());
    try {
      const a = await r.resolve4(p.query);
      return `${p.query} → ${a.join(', ')}`;
    } catch (e) {
      const c = code(e);
      // Any answer, even "no such name", proves the server is reachable.
      if (c === 'ENOTFOUND' || c === 'ENODATA' || c === 'ESERVFAIL' || c === 'EREFUSED') return `${p.query}: ${c} (the server answered)`;
      if (c === 'ECONNREFUSED') throw new ProbeFailure('refused', 'protocol', 'ICMP port unreachable');
      if (c === 'ETIMEOUT' || c === 'ECANCELLED') throw new ProbeFailure('blocked', 'protocol', 'no answer');
      throw new ProbeFailure('error', 'protocol', c || msg(e));
    }
  });
}

async function runProbe(p: Probe, deadline: number, opts: CheckOptions): Promise<string> {
  const resolve = opts.resolve ?? defaultResolve;
  switch (p.kind) {
    case 'dns':
      return dnsQuery(p, deadline, resolve);
    case 'ntp':
      return ntpQuery(await resolveHost(p.host, deadline, resolve), p.port, deadline);
    case 'tcp': {
      const s = await tcpConnect(await resolveHost(p.host, deadline, resolve), p.port, deadline);
      s.destroy();
      return 'connected';
    }
    case 'tls': {
      const s = await tcpConnect(await resolveHost(p.host, deadline, resolve), p.port, deadline);
      const t = await tlsWrap(s, p.servername, deadline, opts.ca);
      const subject = t.getPeerCertificate().subject?.CN ?? '';
      t.destroy();
      return `TLS ${t.getProtocol() ?? ''}, certificate ${subject} valid for ${p.servername}`;
    }
    case 'smtp': {
      let s: net.Socket = await tcpConnect(await resolveHost(p.host, deadline, resolve), p.port, deadline);
      try {
        if (p.implicitTls) s = await tlsWrap(s, p.servername, deadline, opts.ca);
        const banner = await smtpReply(s, deadline);
        if (banner.code !== 220) throw new ProbeFailure('error', 'protocol', `expected 220 banner, found ${banner.text}`);
        s.write('EHLO vigie-flows-check\r\n');
        const ehlo = await smtpReply(s, deadline);
        if (ehlo.code !== 250) throw new ProbeFailure('error', 'protocol', `expected 250 to EHLO, found ${ehlo.text}`);
        s.write('QUIT\r\n');
        return `EHLO accepted: ${ehlo.text.split(' / ')[0]}`;
      } finally {
        s.destroy();
      }
    }
    case 'snmp':
      return snmpGet(await resolveHost(p.host, deadline, resolve), p.port, p.credential, deadline);
  }
}

function target(p: Probe | undefined, flow: Flow): string {
  if (!p) return flow.ports.map((x) => `${x.port}/${x.proto}`).join(', ');
  const host = p.kind === 'dns' ? p.server : p.host;
  return `${host.includes(':') ? `[${host}]` : host}:${p.port}`;
}

export async function checkFlow(flow: Flow, opts: CheckOptions): Promise<CheckResult> {
  const base = { id: flow.id, provider: flow.provider, target: target(flow.probe, flow), mandatory: flow.mandatory };
  if (!flow.probe) {
    const why =
      flow.provider === 'snmp' ? 'no SNMP credential set for this scan to test with'
      : flow.source !== undefined && flow.provider !== 'listeners' && flow.provider !== 'reverse-proxy' ? 'UDP without a reply: cannot be told from a drop'
      : 'inbound flow: test it from its source';
    return { ...base, status: 'skipped', step: 'none', ms: 0, detail: why };
  }
  const start = performance.now();
  const deadline = Date.now() + opts.timeoutMs;
  try {
    const detail = await runProbe(flow.probe, deadline, opts);
    return { ...base, status: 'ok', step: 'protocol', ms: Math.round(performance.now() - start), detail };
  } catch (e) {
    const f = e instanceof ProbeFailure ? e : new ProbeFailure('error', 'none', msg(e));
    return { ...base, status: f.status, step: f.step, ms: Math.round(performance.now() - start), detail: f.message };
  }
}

/** Checks every flow (a few at a time) and says whether every mandatory, testable flow passed. */
export async function checkFlows(flows: Flow[], opts: CheckOptions): Promise<CheckReport> {
  const startedAt = new Date().toISOString();
  const results: CheckResult[] = new Array(flows.length);
  let next = 0;
  const worker = async () => {
    while (next < flows.length) {
      const i = next++;
      results[i] = await checkFlow(flows[i]!, opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, flows.length) }, worker));
  return { startedAt, ok: results.every((r) => !r.mandatory || r.status === 'ok' || r.status === 'skipped'), results };
}

const statusText: Record<CheckStatus, { fr: string; en: string }> = {
  ok: { fr: 'ok', en: 'ok' },
  blocked: { fr: 'bloqué (délai dépassé)', en: 'blocked (timeout)' },
  refused: { fr: 'refusé', en: 'refused' },
  'dns-failure': { fr: 'échec DNS', en: 'DNS failure' },
  'tls-error': { fr: 'erreur TLS', en: 'TLS error' },
  error: { fr: 'erreur', en: 'error' },
  skipped: { fr: 'non testé', en: 'not tested' },
};

/** A plain-text table for the terminal. */
export function formatCheck(report: CheckReport, lang: 'fr' | 'en' = 'en'): string {
  const head = lang === 'fr' ? ['Flux', 'Cible', 'Oblig.', 'Résultat', 'Durée', 'Détail'] : ['Flow', 'Target', 'Mand.', 'Result', 'Time', 'Detail'];
  const rows = report.results.map((r) => [r.id, r.target, r.mandatory ? (lang === 'fr' ? 'oui' : 'yes') : (lang === 'fr' ? 'non' : 'no'), statusText[r.status][lang], `${r.ms} ms`, r.detail]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const verdict = report.ok
    ? (lang === 'fr' ? 'Tous les flux obligatoires passent.' : 'All mandatory flows pass.')
    : (lang === 'fr' ? 'Au moins un flux obligatoire échoue.' : 'At least one mandatory flow fails.');
  return [line(head), ...rows.map(line), '', verdict].join('\n') + '\n';
}
