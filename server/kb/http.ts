/**
 * The HTTP client of `vigie kb sync`: GET with timeout, retries with exponential backoff (network errors, 429,
 * 5xx; Retry-After honoured), a minimum interval between requests to one host (NVD and CIRCL rate limits) and
 * an optional proxy (absolute-URI for http, CONNECT tunnel for https, RFC 9110 §9.3.6). Built on node:http(s)
 * because Node 20's fetch ignores proxies.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export interface HttpOptions {
  timeoutMs: number;
  retries: number;
  proxy?: string;
  /** Backoff base (tests shorten it). */
  backoffMs?: number;
  userAgent?: string;
}

export interface HttpClient {
  get(url: string, opts: { headers?: Record<string, string>; minIntervalMs?: number }): Promise<Buffer>;
  requests: number;
}

class HttpStatusError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | null, url: string) {
    super(`GET ${url}: expected HTTP 200, found ${status}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connectViaProxy(proxy: URL, target: URL, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${target.hostname}:${target.port || 443}`, timeout: timeoutMs });
    req.on('connect', (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`proxy ${proxy.host}: CONNECT ${target.host} answered ${res.statusCode}`))));
    req.on('timeout', () => req.destroy(new Error(`proxy ${proxy.host}: CONNECT timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function once(url: URL, headers: Record<string, string>, o: HttpOptions): Promise<Buffer> {
  const proxy = o.proxy ? new URL(o.proxy) : null;
  const isHttps = url.protocol === 'https:';
  let socket: net.Socket | undefined;
  if (proxy && isHttps) socket = tls.connect({ socket: await connectViaProxy(proxy, url, o.timeoutMs), servername: url.hostname });
  return new Promise<Buffer>((resolve, reject) => {
    const common = { method: 'GET', headers: { 'user-agent': o.userAgent ?? 'vigie-kb-sync', 'accept-encoding': 'identity', ...headers }, timeout: o.timeoutMs };
    const req =
      proxy && !isHttps
        ? http.request({ ...common, host: proxy.hostname, port: proxy.port || 80, path: url.toString() })
        : (isHttps ? https : http).request(url, { ...common, ...(socket ? { createConnection: () => socket } : {}) });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) return resolve(Buffer.concat(parts));
        const ra = res.headers['retry-after'];
        reject(new HttpStatusError(res.statusCode ?? 0, ra && /^\d+$/.test(ra) ? Number(ra) * 1000 : null, url.toString()));
      });
    });
    req.end();
  });
}

export function createHttpClient(o: HttpOptions): HttpClient {
  const lastByHost = new Map<string, number>();
  const client: HttpClient = {
    requests: 0,
    async get(raw, { headers = {}, minIntervalMs = 0 }) {
      const url = new URL(raw);
      let attempt = 0;
      for (;;) {
        const wait = (lastByHost.get(url.host) ?? 0) + minIntervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        lastByHost.set(url.host, Date.now());
        client.requests++;
        try {
          return await once(url, headers, o);
        } catch (e) {
          const status = e instanceof HttpStatusError ? e.status : null;
          const retriable = status === null || status === 429 || status >= 500;
          if (!retriable || attempt >= o.retries) throw e;
          const backoff = (o.backoffMs ?? 1000) * 2 ** attempt;
          await sleep(e instanceof HttpStatusError && e.retryAfterMs !== null ? Math.max(e.retryAfterMs, backoff) : backoff);
          attempt++;
        }
      }
    },
  };
  return client;
}
