/** Registry check (style.md §3.3): every strategy file is registered and has its own test. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { matchers } from './index.js';

// Support modules of the folder that are not strategies: the pure pipeline and evidence keys, the session and the run
// (I/O) around them, its schedule, the dpkg status reader of `vigie match <file>`.
const SUPPORT = new Set(['index.ts', 'types.ts', 'pipeline.ts', 'evidence.ts', 'session.ts', 'run.ts', 'jobs.ts', 'dpkg-status.ts']);
const dir = new URL('.', import.meta.url).pathname;

describe('matcher registry', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && !SUPPORT.has(n))) {
    it(`${f} is registered and tested`, () => {
      const id = f.replace(/\.ts$/, '');
      assert.ok(matchers.get(id), `${id} missing from server/matcher/index.ts`);
      assert.ok(existsSync(dir + id + '.test.ts'), `${id}.test.ts missing`);
    });
  }
  it('distro runs first (its answer is exclusive)', () => assert.equal(matchers.all[0]!.id, 'distro'));
});
