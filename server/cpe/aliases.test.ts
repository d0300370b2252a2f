/** The shipped alias catalogue: every file validates, every pattern alias resolves its examples to its CPE, bad files are refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAliases, loadAliases } from './aliases.js';
import { resolveCpe } from './resolve.js';

const ORIGIN: Record<string, string> = { windows: 'msi', firmware: 'firmware', deb: 'deb', rpm: 'rpm', generic: 'other' };

describe('data/cpe/aliases', () => {
  const cat = loadAliases();
  it('loads every file', () => {
    assert.ok(cat.exact.get('deb')!.size > 2000);
    assert.ok(cat.patterns.get('windows')!.length >= 50);
  });
  for (const [eco, list] of cat.patterns) {
    for (const a of list) {
      for (const ex of a.examples) {
        it(`${eco}: "${ex}" → ${a.cpe.part}:${a.cpe.vendor}:${a.cpe.product}`, () => {
          const publisher = a.publisher ? a.publisher.source.replace(/[\\^$|].*$/, '').split('|')[0]! : null;
          const r = resolveCpe({ name: ex, version: null, publisher, origin: ORIGIN[eco] ?? 'other' }, cat);
          assert.ok(r, `no identity for ${ex}`);
          assert.equal(`${r.part}:${r.vendor}:${r.product}`, `${a.cpe.part}:${a.cpe.vendor}:${a.cpe.product}`);
          assert.equal(r.method, 'alias');
        });
      }
    }
  }
  it('deb map: source packages as the Debian tracker names them', () => {
    for (const [pkg, cpe] of [['openssl', 'openssl:openssl'], ['apache2', 'apache:http_server'], ['curl', 'curl:libcurl']]) {
      const r = resolveCpe({ name: pkg!, version: '1', publisher: null, origin: 'deb' }, cat);
      assert.equal(`${r?.vendor}:${r?.product}`, cpe);
    }
  });
  it('refuses a file with a bad field, naming the path and the field', () => {
    assert.throws(() => compileAliases([{ path: 'data/cpe/aliases/x.yaml', text: 'ecosystem: x\naliases:\n  - cpe: firefox\n    pattern: "^F"\n    examples: [F]\n' }]), /x\.yaml: aliases\.0\.cpe/);
    assert.throws(() => compileAliases([{ path: 'y.yaml', text: 'ecosystem: y\naliases:\n  - cpe: a:b:c\n    pattern: "("\n    examples: [x]\n' }]), /y\.yaml: aliases\.0\.pattern/);
    assert.throws(() => compileAliases([{ path: 'z.yaml', text: 'ecosystem: z\naliases:\n  - cpe: a:b:c\n    pattern: "x"\n    examples: []\n' }]), { code: 'CPE_ALIASES_INVALID' });
  });
});
