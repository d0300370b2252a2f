/** Vite build of the web UI: web/ → web/dist, served by `vigie server` at /. `npm run build:web`. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  // `npx vite --config web/vite.config.ts` for development against a running `vigie server` on 8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
