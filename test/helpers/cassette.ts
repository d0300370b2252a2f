/**
 * Recorded HTTP replayed on 127.0.0.1 (style.md §3.6, osv-scanner's cassettes): a cassette is
 * `{ note, interactions: [{ request: { method, path }, response: { status, headers?, body? | bodyFile?, gzip? } }] }`.
 * Requests are answered in cassette order per (method, path with query): the same path listed twice answers
 * first with the first response (e.g. a 503 to exercise retries), then the second. Unknown requests get 404 and
 * are listed in `unmatched`, so a test can assert that the client asked exactly what was recorded.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface Interaction {
  request: { method: string; path: string };
  response: { status: number; headers?: Record<string, string>; body?: unknown; bodyFile?: string; gzip?: boolean };
}

export interface CassetteServer {
  url: string;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  unmatched: string[];
  remaining(): string[];
  close(): Promise<void>;
}

export async function serveCassette(file: string, baseDir: string): Promise<CassetteServer> {
  const cassette = JSON.parse(readFileSync(file, 'utf8')) as { interactions: Interaction[] };
  const queue = [...cassette.interactions];
  const requests: CassetteServer['requests'] = [];
  const unmatched: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const i = queue.findIndex((x) => x.request.method === req.method && x.request.path === path);
    if (i < 0) {
      unmatched.push(`${req.method} ${path}`);
      res.writeHead(404).end('not in cassette');
      return;
    }
    const { response } = queue.splice(i, 1)[0]!;
    let body = response.bodyFile ? readFileSync(join(baseDir, response.bodyFile)) : Buffer.from(typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''));
    if (response.gzip) body = gzipSync(body);
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unmatched,
    remaining: () => queue.map((x) => `${x.request.method} ${x.request.path}`),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
