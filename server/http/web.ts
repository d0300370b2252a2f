/**
 * The web UI: web/dist (built by `npm run build:web`) served at / with @fastify/static. GET requests for
 * unknown paths that accept text/html get index.html (client-side routes such as /assets/12); the agent
 * endpoints keep POST /, /ocsinventory, /glpi. Hashed files under /assets/ are cached for a year and sent
 * brotli- or gzip-compressed when the browser accepts it (precompressed at build); index.html is never cached and
 * names the route's page chunks as module preloads (indexHtml).
 * HTML gets a strict Content-Security-Policy (no inline script), so even a rendering mistake cannot run a script
 * that came from an inventory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // echarts sets style attributes on its SVG nodes
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * index.html with <link rel="modulepreload"> for the chunks of the page at this path (dist/preload.json, written
 * by the build from web/src/pages/routes.ts): the browser fetches them while parsing the HTML, before the app's
 * API calls take the server's attention. Read on each request (a few hundred bytes), so a rebuilt UI is served at
 * once; without preload.json (an older build) the page still works, its chunk just comes later.
 */
function indexHtml(root: string, path: string): string {
  const html = readFileSync(root + 'index.html', 'utf8');
  let routes: { pattern: string; files: string[] }[] = [];
  try {
    routes = (JSON.parse(readFileSync(root + 'preload.json', 'utf8')) as { routes: typeof routes }).routes;
  } catch {
    return html;
  }
  let pathname = path;
  try {
    pathname = decodeURIComponent(path).replace(/\/+$/, '') || '/';
  } catch {
    return html; // not a page the app has
  }
  const files = routes.find((r) => new RegExp(r.pattern).test(pathname))?.files ?? [];
  const links = files.filter((f) => /^\/assets\/[\w.-]+\.js$/.test(f)).map((f) => `<link rel="modulepreload" crossorigin href="${f}">`);
  return links.length ? html.replace('</head>', `${links.join('')}</head>`) : html;
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', woff2: 'font/woff2', woff: 'font/woff', png: 'image/png' };
const HASHED = /^[\w.-]+-[A-Za-z0-9_-]{8,}\.(js|css|svg|woff2?|png)$/;

/**
 * The build's hashed files (web/dist/assets), from memory once read: each answer is one synchronous write, so a
 * page's chunks are not queued behind its API calls (whose database work holds the event loop) between the
 * several file-system steps a streamed file takes. Safe to keep: a hashed file never changes (a rebuild makes new
 * names); at most the few MB of one build, plus the stale names of earlier builds a running server saw.
 */
function hashedAssets(dir: string) {
  const cache = new Map<string, Buffer | null>();
  const read = (name: string) => {
    if (!cache.has(name)) {
      let data: Buffer | null = null;
      try {
        data = readFileSync(dir + name);
      } catch {
        // absent: the SPA route /assets/<id>, or a name from another build
      }
      cache.set(name, data);
    }
    return cache.get(name)!;
  };
  return (req: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) => {
    const name = req.params.file;
    const plain = HASHED.test(name) ? read(name) : null;
    if (!plain) return reply.callNotFound(); // the static plugin or the SPA fallback
    const accept = String(req.headers['accept-encoding'] ?? '');
    // Either compressed copy is written by the build for files worth it (web/vite.config.ts precompress).
    const [encoding, body] = /\bbr\b/.test(accept) && read(`${name}.br`) ? ['br', read(`${name}.br`)!] : /\bgzip\b/.test(accept) && read(`${name}.gz`) ? ['gzip', read(`${name}.gz`)!] : [null, plain];
    if (encoding) reply.header('content-encoding', encoding);
    return reply
      .header('vary', 'accept-encoding')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream')
      .send(body);
  };
}

export async function webRoutes(app: FastifyInstance, root = WEB_DIST): Promise<void> {
  const hasUi = existsSync(root + 'index.html');
  if (hasUi) {
    app.get('/assets/:file', { schema: { hide: true } }, hashedAssets(root + 'assets/'));
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      index: false, // / is the SPA's index.html, written below with the route's preloads
      cacheControl: false, // set below, per file
      // The build writes .br and .gz beside each asset (web/vite.config.ts): sent to browsers that accept them.
      preCompressed: true,
      setHeaders(res, sent) {
        const path = sent.replace(/\.(br|gz)$/, '');
        if (/\.(js|css|svg)$/.test(path)) res.setHeader('vary', 'accept-encoding');
        if (/\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.(js|css|svg|woff2?)$/.test(path)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
        if (path.endsWith('.html')) res.setHeader('content-security-policy', CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'same-origin');
      },
    });
  }
  const sendIndex = (req: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .type('text/html; charset=utf-8')
      .send(indexHtml(root, req.url.split('?')[0]!));
  if (hasUi) app.get('/', { schema: { hide: true } }, sendIndex); // POST / stays the agents' endpoint
  app.setNotFoundHandler((req, reply) => {
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if ((req.method === 'GET' || req.method === 'HEAD') && wantsHtml && !req.url.startsWith('/api/')) {
      if (hasUi) return sendIndex(req, reply);
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run "npm run build:web" (npm start does it when web/dist is missing). The API is at /api/v1, its docs at /api/docs.');
    }
    return reply.code(404).send({ error: { code: 'API_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id } });
  });
}
