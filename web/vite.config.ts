/** Vite build of the web UI: web/ → web/dist, served by `vigie server` at /. `npm run build:web`. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The app's chunks (root.tsx and what it imports statically) as <link rel="modulepreload"> in index.html: they
 * download beside the tiny entry instead of after it has run (main.tsx imports root.tsx dynamically, after its
 * prefetches).
 */
function preloadApp(): Plugin {
  return {
    name: 'vigie-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {};
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const root = chunks.find((c) => c.facadeModuleId?.endsWith('/src/root.tsx'));
        if (!root) throw new Error('vigie-preload-app: expected a chunk for web/src/root.tsx, found none');
        const files = new Set<string>();
        const visit = (file: string) => {
          if (files.has(file)) return;
          files.add(file);
          for (const dep of chunks.find((c) => c.fileName === file)?.imports ?? []) visit(dep);
        };
        visit(root.fileName);
        const entries = new Set(chunks.filter((c) => c.isEntry).map((c) => c.fileName)); // already a <script>
        return [...files]
          .filter((f) => !entries.has(f))
          .map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${f}` }, injectTo: 'head' as const }));
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
  plugins: [react(), preloadApp(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  // `npx vite --config web/vite.config.ts` for development against a running `vigie server` on 8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
