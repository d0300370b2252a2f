/**
 * The web UI: web/dist (built by `npm run build:web`) served at / with @fastify/static. GET requests for
 * unknown paths that accept text/html get index.html (client-side routes such as /assets/12); the agent
 * endpoints keep POST /, /ocsinventory, /glpi. Hashed files under /assets/ are cached for a year and sent
 * brotli- or gzip-compressed when the browser accepts it (precompressed at build); index.html is never cached.
 * HTML gets a strict Content-Security-Policy (no inline script), so even a rendering mistake cannot run a script
 * that came from an inventory.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

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

export async function webRoutes(app: FastifyInstance, root = WEB_DIST): Promise<void> {
  const hasUi = existsSync(root + 'index.html');
  if (hasUi) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
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
  app.setNotFoundHandler((req, reply) => {
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if ((req.method === 'GET' || req.method === 'HEAD') && wantsHtml && !req.url.startsWith('/api/')) {
      if (hasUi) {
        return reply.header('cache-control', 'no-cache').header('content-security-policy', CSP).type('text/html').sendFile('index.html', root);
      }
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run "npm run build:web" (npm start does it when web/dist is missing). The API is at /api/v1, its docs at /api/docs.');
    }
    return reply.code(404).send({ error: { code: 'API_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id } });
  });
}
