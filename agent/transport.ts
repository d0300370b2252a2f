/**
 * OCS transport: POST of zlib-compressed XML to the server URL, zlib (or plain) XML back
 * (../shared/corpus/agents/protocol.md §1). Built on node:http/https rather than fetch so that TLS can be
 * verified against a CA file and pinned to a certificate fingerprint, and so an HTTP proxy works without
 * dependencies (Node 20's bundled undici does not expose ProxyAgent): CONNECT for https, absolute URI for http.
 * A new connection pool per run: the server's FQDN is resolved again at every run.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { deflateSync, inflateSync } from 'node:zlib';

export interface TransportOptions {
  url: string;
  userAgent: string;
  /** PEM CA bundle replacing the system store. */
  ca?: Buffer | null;
  /** SHA-256 of the server certificate (DER), hex with or without colons: the connection fails on any other. */
  pinSha256?: string | null;
  user?: string | null;
  password?: string | null;
  /** http://[user:pass@]proxy:port */
  proxy?: string | null;
  timeoutMs?: number;
}

export class TransportError extends Error {
  constructor(message: string, readonly step: 'dns' | 'tcp' | 'tls' | 'http' | 'proxy', readonly status?: number) {
    super(message);
    this.name = 'TransportError';
  }
}

export const normalisePin = (p: string) => p.replace(/[^0-9a-f]/gi, '').toLowerCase();

export function certSha256(cert: { raw: Buffer }): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/** A bare host becomes http://HOST/ocsinventory, as the OCS agent does. */
export function serverUrl(raw: string): URL {
  if (!/^https?:\/\//i.test(raw)) return new URL(`http://${raw}/ocsinventory`);
  return new URL(raw);
}

function tlsOptions(o: TransportOptions, host: string): tls.ConnectionOptions {
  return {
    servername: host,
    ...(o.ca ? { ca: o.ca } : {}),
    rejectUnauthorized: true,
    checkServerIdentity(name, cert) {
      const err = tls.checkServerIdentity(name, cert);
      if (err) return err;
      if (o.pinSha256 && certSha256(cert) !== normalisePin(o.pinSha256)) {
        return new Error(`certificate of ${name} does not match the pinned SHA-256 (found ${certSha256(cert)})`);
      }
      return undefined;
    },
  };
}

/** Opens a tunnel through an HTTP proxy with CONNECT. */
function connectTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxy.username) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const req = http.request({ host: proxy.hostname, port: proxy.port || 3128, method: 'CONNECT', path: `${host}:${port}`, headers, timeout: timeoutMs });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new TransportError(`proxy ${proxy.host} refused CONNECT ${host}:${port}: HTTP ${res.statusCode}`, 'proxy', res.statusCode));
      } else resolve(socket);
    });
    req.once('timeout', () => req.destroy(new TransportError(`proxy ${proxy.host}: no answer after ${timeoutMs} ms`, 'proxy')));
    req.once('error', (e) => reject(e instanceof TransportError ? e : new TransportError(`proxy ${proxy.host}: ${e.message}`, 'proxy')));
    req.end();
  });
}

function classify(e: NodeJS.ErrnoException, host: string): TransportError {
  if (e instanceof TransportError) return e;
  const code = e.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError(`cannot resolve ${host}: ${code}`, 'dns');
  if (['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code)) return new TransportError(`cannot connect to ${host}: ${code}`, 'tcp');
  if (/certificate|SSL|TLS|self.signed|altnames|pinned/i.test(`${code} ${e.message}`)) return new TransportError(`TLS with ${host}: ${e.message}`, 'tls');
  return new TransportError(`${host}: ${e.message}`, 'http');
}

/** One agent ↔ server conversation (PROLOG, INVENTORY…) over one keep-alive connection pool. */
export class OcsClient {
  readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly o: TransportOptions) {
    this.url = serverUrl(o.url);
    this.agent = this.url.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 1, ...tlsOptions(o, this.url.hostname) }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Sends an XML message (compressed here) and returns the reply's XML text. */
  async send(xml: string): Promise<string> {
    return this.sendCompressed(deflateSync(Buffer.from(xml, 'utf8')));
  }

  async sendCompressed(body: Buffer): Promise<string> {
    const u = this.url;
    const timeout = this.o.timeoutMs ?? 60_000;
    const headers: Record<string, string> = {
      'User-Agent': this.o.userAgent, 'Content-Type': 'application/x-compress', Pragma: 'no-cache', 'Content-Length': String(body.length),
    };
    if (this.o.user) headers.Authorization = `Basic ${Buffer.from(`${this.o.user}:${this.o.password ?? ''}`).toString('base64')}`;
    const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
    const proxy = this.o.proxy ? new URL(this.o.proxy) : null;
    let options: http.RequestOptions;
    if (proxy && u.protocol === 'https:') {
      const tunnel = await connectTunnel(proxy, u.hostname, port, timeout);
      // No `agent` key at all: http only honours createConnection when the agent is undefined (agent:false makes a new Agent).
      options = { createConnection: () => tls.connect({ socket: tunnel, ...tlsOptions(this.o, u.hostname) }) };
    } else if (proxy) {
      // Plain HTTP through a proxy: absolute URI in the request line.
      if (proxy.username) headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
      options = { host: proxy.hostname, port: Number(proxy.port) || 3128, path: u.href, agent: false };
    } else {
      options = { agent: this.agent };
    }
    const lib = u.protocol === 'https:' ? https : http;
    return new Promise<string>((resolve, reject) => {
      const req = lib.request(
        proxy && u.protocol === 'http:' ? { ...options, method: 'POST', headers: { ...headers, Host: u.host }, timeout } : { hostname: u.hostname, port, path: u.pathname + u.search, method: 'POST', headers, timeout, ...options },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
              return reject(new TransportError(`${u.host} answered HTTP ${res.statusCode}${raw.length && raw.length < 300 ? `: ${raw.toString('utf8').trim()}` : ''}`, 'http', res.statusCode));
            }
            // OCS replies are zlib (78 xx); plain XML is accepted too (replies to plain requests, proxies).
            if (raw[0] === 0x78) {
              try {
                return resolve(inflateSync(raw).toString('utf8'));
              } catch {
                // not zlib after all: fall through
              }
            }
            resolve(raw.toString('utf8'));
          });
          res.on('error', (e) => reject(classify(e, u.host)));
        },
      );
      req.on('timeout', () => req.destroy(new TransportError(`${u.host}: no answer after ${timeout} ms`, 'tcp')));
      req.on('error', (e) => reject(classify(e, u.host)));
      req.end(body);
    });
  }
}
