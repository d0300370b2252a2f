/** Registry check (style.md §3.3): every scheme file is registered and has its own test. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compareStrict, versionSchemes } from './index.js';

const dir = new URL('.', import.meta.url).pathname;

describe('version scheme registry', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'types.ts');
  for (const f of files) {
    it(`${f} is registered and tested`, () => {
      const id = f.replace(/\.ts$/, '');
      assert.ok(versionSchemes.get(id), `${id} missing from server/versions/index.ts`);
      // Tested = its own <id>.test.ts, or a shared table test of the folder that imports it (network-schemes.test.ts).
      const shared = readdirSync(dir).filter((n) => n.endsWith('.test.ts')).some((n) => readFileSync(dir + n, 'utf8').includes(`from './${id}.js'`));
      assert.ok(existsSync(dir + id + '.test.ts') || shared, `${id}: no test imports it`);
    });
  }
  it('compareStrict refuses an unparsable version with VERSION_UNPARSABLE', () => {
    assert.throws(() => compareStrict(versionSchemes.require('dpkg'), 'garbage', '1.0-1'), { code: 'VERSION_UNPARSABLE' });
    assert.ok(compareStrict(versionSchemes.require('dpkg'), '1.0-1', '1.0-2') < 0);
  });
});
