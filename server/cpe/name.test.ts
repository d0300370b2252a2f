/** CPE 2.3 formatted strings and NISTIR 7696 attribute comparison, one row per semantic rule; criteria are real NVD strings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAttr, cpeMatches, cpeOf, escapeValue, formatCpe, literal, parseCpe } from './name.js';

describe('CPE 2.3 formatted string', () => {
  it('parses the 11 attributes and round-trips escapes (Cisco NX-OS train with parentheses)', () => {
    const s = 'cpe:2.3:o:cisco:nx-os:5.0\\(3\\)n1\\(1c\\):*:*:*:*:*:*:*';
    const c = parseCpe(s);
    assert.equal(c.part, 'o');
    assert.equal(c.vendor, 'cisco');
    assert.equal(c.version, '5.0\\(3\\)n1\\(1c\\)');
    assert.equal(literal(c.version), '5.0(3)n1(1c)');
    assert.equal(formatCpe(c), s);
  });
  it('does not split on an escaped colon', () => {
    const c = parseCpe('cpe:2.3:a:foo\\:bar:baz:1.0:*:*:*:*:*:*:*');
    assert.equal(literal(c.vendor), 'foo:bar');
    assert.equal(c.product, 'baz');
  });
  it('keeps underscores and escaped plus signs (notepad++, Java update fields)', () => {
    assert.equal(literal(parseCpe('cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.5:*:*:*:*:*:*:*').product), 'notepad++');
    assert.equal(parseCpe('cpe:2.3:a:oracle:jre:1.6.0:update_3:*:*:*:*:*:*').update, 'update_3');
  });
  it('escapes plain text into a value', () => {
    assert.equal(escapeValue('15.2(4)E10'), '15.2\\(4\\)e10');
    assert.equal(escapeValue('notepad++'), 'notepad\\+\\+');
    assert.equal(escapeValue(''), '*');
  });
  it('refuses a 2.2 URI and a short string with CPE_INVALID', () => {
    assert.throws(() => parseCpe('cpe:/a:openssl:openssl:1.0.1'), { code: 'CPE_INVALID' });
    assert.throws(() => parseCpe('cpe:2.3:a:openssl:openssl'), { code: 'CPE_INVALID' });
    assert.throws(() => parseCpe('cpe:2.3:x:openssl:openssl:1:*:*:*:*:*:*:*'), { code: 'CPE_INVALID' });
  });
});

describe('NISTIR 7696 attribute relations (source = rule, target = asset)', () => {
  const rows: [string, string, string][] = [
    ['*', '*', 'equal'],
    ['*', '-', 'superset'],
    ['*', 'openssl', 'superset'],
    ['-', '-', 'equal'],
    ['-', '*', 'subset'],
    ['-', '1.0', 'disjoint'],
    ['openssl', '*', 'subset'],
    ['openssl', '-', 'disjoint'],
    ['openssl', 'openssl', 'equal'],
    ['openssl', 'libressl', 'disjoint'],
    ['1.1', '1.1.1k', 'disjoint'], // no prefix matching (OCS's strpos bug)
    ['1.1*', '1.1.1k', 'superset'], // wildcard at the end
    ['*sp?', 'windows_sp2', 'superset'],
    ['windows_10_*', 'windows_10_22h2', 'superset'],
    ['windows_10_*', 'windows_11_23h2', 'disjoint'],
    ['1\\*', '1*', 'equal'], // an escaped star is a literal
  ];
  for (const [s, t, want] of rows) it(`${s} vs ${t} → ${want}`, () => assert.equal(compareAttr(s, t), want));

  it('name matching needs every attribute superset or equal', () => {
    const rule = parseCpe('cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*');
    assert.ok(cpeMatches(rule, cpeOf('a', 'openssl', 'openssl', '3.0.11')));
    assert.ok(!cpeMatches(rule, cpeOf('a', 'openssl', 'openssl_fips', '3.0.11')));
    assert.ok(!cpeMatches(rule, cpeOf('o', 'openssl', 'openssl', '3.0.11')));
    const wp = parseCpe('cpe:2.3:a:x:contact_form:*:*:*:*:*:wordpress:*:*');
    assert.ok(!cpeMatches(wp, cpeOf('a', 'x', 'contact_form', '1.0', { targetSw: 'node.js' })));
  });
});
