/** Vite build of the web UI: web/ → web/dist, served by `vigie server` at /. `npm run build:web`. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type Rollup } from 'vite';
import { PAGE_ROUTES } from './src/pages/routes.js';

/** A chunk's file and those it imports statically, transitively (what must be loaded before it runs). */
function withStaticImports(chunks: Rollup.OutputChunk[], file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const dep of chunks.find((c) => c.fileName === file)?.imports ?? []) withStaticImports(chunks, dep, into);
  return into;
}

/**
 * Module preloads, so that the browser fetches code as it parses index.html rather than once the tiny entry has
 * run (main.tsx imports the app and the page dynamically, after starting its API calls):
 * - the app's chunks (root.tsx and its static imports), in index.html;
 * - per route, the page's chunks, in dist/preload.json: the server adds them to index.html for that route
 *   (server/http/web.ts), so they are not queued behind the page's API calls.
 */
function preloads(): Plugin {
  let outDir = '';
  return {
    name: 'vigie-preloads',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
        const byModule = (path: string) => chunks.find((c) => c.facadeModuleId?.endsWith(path));
        const root = byModule('/src/root.tsx');
        if (!root) throw new Error('vigie-preloads: expected a chunk for web/src/root.tsx, found none');
        const entries = new Set(chunks.filter((c) => c.isEntry).map((c) => c.fileName)); // already <script> tags
        const app = [...withStaticImports(chunks, root.fileName)].filter((f) => !entries.has(f));
        const routes = PAGE_ROUTES.map((r) => {
          const page = byModule(`/src/pages/${r.module}.tsx`);
          if (!page) throw new Error(`vigie-preloads: expected a chunk for web/src/pages/${r.module}.tsx, found none`);
          // With the chunks the page loads later on its own (the dashboard's charts): fetched and compiled early,
          // run only when the page asks for them.
          const all = withStaticImports(chunks, page.fileName);
          for (const dynamic of page.dynamicImports) withStaticImports(chunks, dynamic, all);
          const files = [...all].filter((f) => !entries.has(f) && !app.includes(f));
          return { pattern: r.pattern, files: files.map((f) => `/${f}`) };
        });
        mkdirSync(outDir, { recursive: true }); // runs before Vite writes the bundle: on a clean clone dist/ does not exist yet
        writeFileSync(join(outDir, 'preload.json'), JSON.stringify({ routes }, null, 1) + '\n');
        return app.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${f}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/** Brotli and gzip copies of the built assets, served by @fastify/static (preCompressed) to browsers that accept them. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'vigie-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const dir = join(outDir, 'assets');
      if (!existsSync(dir)) return; // the build failed before writing: let its own error show, not ours
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        const data = readFileSync(join(dir, name));
        if (data.length < 1024) continue;
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), preloads(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  // `npx vite --config web/vite.config.ts` for development against a running `vigie server` on 8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
