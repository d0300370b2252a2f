/**
 * Loopback receivers for alert channel tests: a real SMTP server (smtp-server) keeping raw messages, an HTTP
 * webhook receiver, syslog receivers on UDP and TCP (RFC 6587 octet counting), and a small MIME reader.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpMessage { from: string; to: string[]; raw: string; user: string | undefined; secure: boolean }

export interface SmtpReceiver {
  port: number;
  messages: SmtpMessage[];
  /** Makes the next n transactions fail with a temporary error (451) after the data was received. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startSmtp(options: { user?: string; password?: string; port?: number; tls?: { key: string; cert: string; implicit: boolean } } = {}): Promise<SmtpReceiver> {
  const messages: SmtpMessage[] = [];
  let failures = 0;
  const server = new SMTPServer({
    secure: options.tls?.implicit ?? false,
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    authOptional: !options.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === options.user && auth.password === options.password) return cb(null, { user: auth.username });
      return cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          const e = new Error('try again later') as Error & { responseCode: number };
          e.responseCode = 451;
          return cb(e);
        }
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined, secure: session.secure });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, messages, failNext: (n) => void (failures = n), close: () => new Promise((r) => server.close(() => r())) };
}

export interface HttpRequestSeen { path: string; headers: Record<string, string>; body: string }

export async function startHttp(status: () => number = () => 200): Promise<{ url: string; requests: HttpRequestSeen[]; close(): Promise<void> }> {
  const requests: HttpRequestSeen[] = [];
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status();
      if (code < 300) requests.push({ path: req.url ?? '', headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code < 300 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export async function startSyslogUdp(): Promise<{ port: number; records: string[]; close(): Promise<void> }> {
  const records: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (m) => records.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, records, close: () => new Promise((r) => socket.close(() => r())) };
}

/** A self-signed certificate for 127.0.0.1 / localhost made with openssl (the CA is the certificate itself). */
export function selfSignedCert(dir: string): { key: string; cert: string; certFile: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), certFile: join(dir, 'cert.pem') };
}

export async function startSyslogTcp(tls?: { key: string; cert: string }): Promise<{ port: number; records: string[]; close(): Promise<void> }> {
  const records: string[] = [];
  const onSocket = (sock: Socket) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) break;
        records.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    });
  };
  const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onSocket) : createTcpServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, records, close: () => new Promise((r) => server.close(() => r())) };
}

/** A MIME part: lower-cased headers, decoded body, children when multipart. */
export interface MimePart { headers: Record<string, string>; body: Buffer; parts: MimePart[] }

function decodeQp(s: string): Buffer {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(t[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

export function parseMime(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const bodyText = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    const pieces = bodyText.split(`--${boundary}`).slice(1);
    const parts = pieces.filter((p) => !p.startsWith('--')).map((p) => parseMime(p.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
    return { headers, body: Buffer.alloc(0), parts };
  }
  const enc = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body = enc === 'base64' ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64') : enc === 'quoted-printable' ? decodeQp(bodyText) : Buffer.from(bodyText, 'utf8');
  return { headers, body, parts: [] };
}

export function flattenMime(p: MimePart): MimePart[] {
  return [p, ...p.parts.flatMap(flattenMime)];
}

/** RFC 2047 encoded-words (=?UTF-8?B?…?= / ?Q?) in a header value. */
export function decodeHeader(v: string): string {
  return v.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, e: string, t: string) => (e.toLowerCase() === 'b' ? Buffer.from(t, 'base64').toString('utf8') : decodeQp(t.replace(/_/g, ' ')).toString('utf8')));
}
