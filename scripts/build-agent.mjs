#!/usr/bin/env node
/* global process, console, URL -- a Node script; the lint config declares no globals for .mjs files */
// Builds the agent as one ESM file runnable with plain `node` (no tsx, no node_modules, no server code):
//   node scripts/build-agent.mjs            → dist/vigie-agent.mjs
//   node scripts/build-agent.mjs --cjs      → dist/vigie-agent.cjs (CommonJS, the input of the single executable)
// Uses the esbuild that tsx already depends on (node_modules/.bin/esbuild): no new dependency.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const cjs = process.argv.includes('--cjs');
mkdirSync(`${root}/dist`, { recursive: true });
const outfile = `${root}/dist/vigie-agent.${cjs ? 'cjs' : 'mjs'}`;
await build({
  entryPoints: [`${root}/agent/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: cjs ? 'cjs' : 'esm',
  minify: true,
  legalComments: 'linked',
  // A bundled ESM file has no `require`; commander and yaml are CommonJS packages that call it.
  banner: cjs ? { js: '#!/usr/bin/env node' } : { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'info',
});
console.log(`built ${outfile}`);
