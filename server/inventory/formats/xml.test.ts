/**
 * xml.ts against an oracle and against hostile input. The oracle is the saxes-based reader xml.ts replaced
 * (docs/adr/0001-agent-xml-reader.md): on every XML capture of ../shared/corpus both must give the same tree.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { VigieError, type ErrorCode } from '../../../common/errors.js';
import { hasShared, skipUnless } from '../../../test/helpers/components.js';
import { createXmlReuse, parseXml, type ParsedXml, type XmlLimits, type XmlObject, type XmlValue } from './xml.js';

// ---- the reference: saxes (a conformant, non-validating parser) building the same tree shape ----

interface Frame {
  name: string;
  obj: XmlObject | null;
  text: string;
  attrs: Record<string, string> | null;
}

function addChild(parent: Frame, name: string, value: XmlValue): void {
  parent.obj ??= {};
  const existing = parent.obj[name];
  if (existing === undefined) parent.obj[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.obj[name] = [existing, value];
}

/** Tree of a trusted document: no limits, no DOCTYPE handling (the corpus has none). */
function referenceParse(text: string): ParsedXml {
  const parser = new SaxesParser({ xmlns: false });
  const stack: Frame[] = [];
  let rootName = '';
  let root: XmlValue | undefined;
  let elements = 0;
  parser.on('opentag', (tag) => {
    elements++;
    const names = Object.keys(tag.attributes);
    let attrs: Record<string, string> | null = null;
    if (names.length) {
      attrs = {};
      for (const a of names) attrs[a.toLowerCase()] = String(tag.attributes[a]);
    }
    stack.push({ name: tag.name.toLowerCase(), obj: null, text: '', attrs });
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    let value: XmlValue;
    if (frame.obj === null && frame.attrs === null) value = frame.text.trim();
    else {
      const obj: XmlObject = frame.obj ?? {};
      if (frame.attrs) for (const [k, v] of Object.entries(frame.attrs)) obj['@' + k] = v;
      const t = frame.text.trim();
      if (t) obj['#text'] = t;
      value = obj;
    }
    const parent = stack[stack.length - 1];
    if (parent) addChild(parent, frame.name, value);
    else {
      rootName = frame.name;
      root = value;
    }
  });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(text).close();
  assert.ok(root !== undefined, 'reference: no root element');
  return { rootName, root, elements };
}

// ---- oracle over the corpus ----

const CORPUS = new URL('../../../../shared/corpus/', import.meta.url);
const generous: XmlLimits = { maxDepth: 64, maxElements: 10_000_000, maxFieldBytes: 1 << 20 };

function corpusXml(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (dir: URL, match: (f: string) => boolean) => {
    for (const f of readdirSync(dir).sort().filter(match)) {
      const buf = readFileSync(new URL(f, dir));
      out.push({ name: new URL(f, dir).pathname.replace(CORPUS.pathname, ''), text: (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8') });
    }
  };
  const exchanges = new URL('agents/exchanges/', CORPUS);
  for (const s of readdirSync(exchanges).sort()) add(new URL(`${s}/`, exchanges), (f) => f.endsWith('-req.xml.gz'));
  add(new URL('agents/local/', CORPUS), (f) => f.endsWith('.xml.gz'));
  add(new URL('agents/replies/', CORPUS), (f) => f.endsWith('.xml'));
  add(new URL('glpi/xml/', CORPUS), (f) => f.endsWith('.xml'));
  return out;
}

test('parseXml agrees with the saxes reference on every corpus XML', { skip: skipUnless(hasShared, `the ../shared corpus is not at ${CORPUS.pathname}`) }, () => {
  const docs = corpusXml();
  // 40 exchange requests, 5 local inventories, 4 server replies, 20 GLPI XML messages.
  assert.ok(docs.length >= 69, `expected the whole corpus, found ${docs.length} XML files`);
  for (const d of docs) assert.deepEqual(parseXml(d.text, generous), referenceParse(d.text), d.name);
});

test('reused subtrees (parse workers) give the same tree as a fresh read, on every corpus XML read twice', { skip: skipUnless(hasShared, `the ../shared corpus is not at ${CORPUS.pathname}`) }, () => {
  const reuse = createXmlReuse(['softwares', 'networks', 'drives']);
  const docs = corpusXml();
  for (const round of [1, 2]) for (const d of docs) assert.deepEqual(parseXml(d.text, generous, reuse), referenceParse(d.text), `${d.name} (round ${round})`);
  assert.ok(reuse.cache.size > 1000, `expected the corpus' packages cached, found ${reuse.cache.size}`);
});

const pkg = (name: string, extra = '') => `<SOFTWARES><NAME>${name}</NAME><VERSION>1.0</VERSION>${extra}</SOFTWARES>`;
const doc = (body: string) => `<REQUEST><CONTENT>${body}</CONTENT><QUERY>INVENTORY</QUERY></REQUEST>`;

test('reuse: a reused element still counts its children, keeps the character check, and only at its depth', () => {
  const reuse = createXmlReuse(['softwares']);
  const xml = doc(pkg('a') + pkg('b') + pkg('c'));
  const fresh = parseXml(xml, generous);
  assert.deepEqual(parseXml(xml, generous, reuse), fresh);
  assert.equal(reuse.cache.size, 3);
  assert.deepEqual(parseXml(xml, generous, reuse), fresh, 'second read, from the cache');
  // 12 elements in all: a limit of 11 is exceeded even when the packages come from the cache
  assert.throws(() => parseXml(xml, { ...generous, maxElements: 11 }, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_TOO_LARGE');
  // a forbidden character outside the reused elements is still found
  assert.throws(() => parseXml(doc(pkg('a') + '<X>\u0001</X>' + pkg('b')), generous, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_MALFORMED');
  // a package holding one is refused, and not cached: refused again next time
  for (let i = 0; i < 2; i++) {
    assert.throws(() => parseXml(doc(pkg('bad\u0002')), generous, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_MALFORMED');
  }
  // the same content one level deeper is read again, so the depth limit applies to it
  const deeper = `<REQUEST><CONTENT><X>${pkg('a')}</X></CONTENT></REQUEST>`;
  assert.deepEqual(parseXml(deeper, generous, reuse), parseXml(deeper, generous));
  assert.throws(() => parseXml(deeper, { ...generous, maxDepth: 4 }, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_TOO_LARGE');
  // an element with attributes, or nested ones of the same name, are read as usual
  const nested = doc(`<SOFTWARES><NAME>n</NAME><SOFTWARES><NAME>in</NAME></SOFTWARES></SOFTWARES>` + `<SOFTWARES A="1"><NAME>a</NAME><VERSION>1.0</VERSION></SOFTWARES>`);
  for (let i = 0; i < 2; i++) assert.deepEqual(parseXml(nested, generous, reuse), parseXml(nested, generous));
});

test('tree shape: lower-case names, repeated children, attributes, text, CDATA, entities', () => {
  const xml = `<?xml version="1.0"?><!-- c --><REQUEST A="1"><X>a &amp; b &#x41;&#66;</X><X><![CDATA[<raw>]]></X><Y B='2'> t </Y><Z/></REQUEST>`;
  const expected: ParsedXml = { rootName: 'request', root: { '@a': '1', x: ['a & b AB', '<raw>'], y: { '@b': '2', '#text': 't' }, z: '' }, elements: 5 };
  assert.deepEqual(parseXml(xml, generous), expected);
  assert.deepEqual(referenceParse(xml), expected);
});

test('references to C0 controls (FusionInventory SNMP strings: &#0;, &#1;) become U+FFFD instead of losing the report', () => {
  const parsed = parseXml('<REQUEST><NAME>a&#0;b&#1;&#x1f;c</NAME></REQUEST>', generous);
  assert.deepEqual(parsed.root, { name: 'a\ufffdb\ufffd\ufffdc' });
});

// ---- hostile input: each must be refused with the right code, before any work proportional to the attack ----

const limits: XmlLimits = { maxDepth: 32, maxElements: 1000, maxFieldBytes: 64 * 1024 };

const hostile: { name: string; xml: string; code: ErrorCode; todo?: string }[] = [
  { name: 'XXE external entity', xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', code: 'INVENTORY_FORBIDDEN_MARKUP' },
  {
    name: 'billion laughs',
    xml: '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>',
    code: 'INVENTORY_FORBIDDEN_MARKUP',
  },
  { name: 'undefined entity', xml: '<REQUEST><QUERY>&foo;</QUERY></REQUEST>', code: 'INVENTORY_FORBIDDEN_MARKUP' },
  { name: 'mismatched tags', xml: '<REQUEST><QUERY>INVENTORY</REQUEST></QUERY>', code: 'INVENTORY_MALFORMED' },
  { name: 'truncated document', xml: '<REQUEST><CONTENT><HARDWARE><NAME>vm</NAME>', code: 'INVENTORY_MALFORMED' },
  { name: 'truncated inside a tag', xml: '<REQUEST><CONTENT><HARDW', code: 'INVENTORY_MALFORMED' },
  { name: 'depth 1000', xml: '<a>'.repeat(1000) + '</a>'.repeat(1000), code: 'INVENTORY_TOO_LARGE' },
  { name: 'more than maxElements', xml: `<REQUEST>${'<S/>'.repeat(1001)}</REQUEST>`, code: 'INVENTORY_TOO_LARGE' },
  { name: '1 MB field', xml: `<REQUEST><NAME>${'x'.repeat(1 << 20)}</NAME></REQUEST>`, code: 'INVENTORY_TOO_LARGE' },
  { name: '1 MB CDATA field', xml: `<REQUEST><NAME><![CDATA[${'x'.repeat(1 << 20)}]]></NAME></REQUEST>`, code: 'INVENTORY_TOO_LARGE' },
  { name: 'control character in text', xml: '<REQUEST><NAME>a\u0001b</NAME></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'NUL in text', xml: '<REQUEST><NAME>a\u0000b</NAME></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'surrogate character reference', xml: '<REQUEST><NAME>a&#xD800;b</NAME></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'out-of-range character reference', xml: '<REQUEST><NAME>a&#x110000;b</NAME></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'control character in a name', xml: '<REQUEST\u0001><QUERY>x</QUERY></REQUEST\u0001>', code: 'INVENTORY_MALFORMED' },
  { name: 'duplicate attribute', xml: '<REQUEST QUERY="PROLOG" QUERY="INVENTORY"/>', code: 'INVENTORY_MALFORMED' },
  { name: 'attribute without quotes', xml: '<REQUEST QUERY=DOWNLOAD DEVICEID=x/>', code: 'INVENTORY_MALFORMED' },
  { name: 'two roots', xml: '<REQUEST><QUERY>PROLOG</QUERY></REQUEST><REQUEST><QUERY>INVENTORY</QUERY></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'text before the root', xml: 'junk<REQUEST><QUERY>PROLOG</QUERY></REQUEST>', code: 'INVENTORY_MALFORMED' },
  { name: 'text after the root', xml: '<REQUEST><QUERY>PROLOG</QUERY></REQUEST>junk', code: 'INVENTORY_MALFORMED' },
  { name: 'empty document', xml: '  ', code: 'INVENTORY_MALFORMED' },
];

for (const h of hostile) {
  test(`hostile: ${h.name} → ${h.code}`, h.todo ? { todo: h.todo } : {}, () => {
    const started = performance.now();
    assert.throws(() => parseXml(h.xml, limits), (e: unknown) => {
      assert.ok(e instanceof VigieError, `expected a VigieError, got ${String(e)}`);
      assert.equal(e.code, h.code, e.message);
      return true;
    });
    assert.ok(performance.now() - started < 500, 'refusal must be cheap');
  });
}

// ---- a document in parts (decode.ts decodeBodyParts): the same tree and the same refusals as the whole text ----

/** The text cut before a "<" every `size` characters or so, as decodeBodyParts cuts the bytes. */
function inParts(text: string, size: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    const cut = text.indexOf('<', start + size);
    if (cut === -1) break;
    parts.push(text.slice(start, cut));
    start = cut;
  }
  parts.push(text.slice(start));
  return parts;
}

test('a document in parts reads as the whole text, with and without reuse, on every corpus XML', { skip: skipUnless(hasShared, `the ../shared corpus is not at ${CORPUS.pathname}`) }, () => {
  const docs = corpusXml();
  for (const size of [1, 100, 4096, 49152]) {
    // small reuse limits too, so that elements straddle parts and the joins of split elements are exercised
    const reuse = createXmlReuse(['softwares', 'networks', 'drives'], 10_000, size < 4096 ? 512 : 8192);
    for (const d of docs) {
      const whole = parseXml(d.text, generous);
      assert.deepEqual(parseXml(inParts(d.text, size), generous), whole, `${d.name} (parts of ${size})`);
      for (const round of [1, 2]) assert.deepEqual(parseXml(inParts(d.text, size), generous, reuse), whole, `${d.name} (parts of ${size}, reuse round ${round})`);
    }
  }
});

for (const h of hostile) {
  test(`hostile in parts: ${h.name} → ${h.code}`, () => {
    for (const size of [1, 7]) {
      for (const reuse of [undefined, createXmlReuse(['name', 's', 'query'])]) {
        assert.throws(() => parseXml(inParts(h.xml, size), limits, reuse), (e: unknown) => {
          assert.ok(e instanceof VigieError, `expected a VigieError, got ${String(e)}`);
          assert.equal(e.code, h.code, e.message);
          return true;
        });
      }
    }
  });
}

test('errors in parts give the line in the whole document', () => {
  const xml = '<REQUEST>\n<A>\n</A>\n<B>\n<C>x\u0001</C>\n</B>\n</REQUEST>';
  for (const reuse of [undefined, createXmlReuse(['c'])]) {
    assert.throws(() => parseXml(inParts(xml, 1), generous, reuse), /found U\+0001 at line 5/);
  }
  assert.throws(() => parseXml(inParts('<REQUEST>\n<A>\n</B>\n</REQUEST>', 1), generous), /found <\/B> at line 3/);
});

test('reuse: hostile closing tags that never match cost no search to the end of the document', () => {
  // Every <SOFTWARES> is a reuse candidate whose "</SOFTWARES>" never comes ("</SOFTWARES >" closes it): looking for
  // it to the end of the document for each one was quadratic.
  const n = 20_000;
  const xml = doc(`<SOFTWARES><NAME>x</NAME></SOFTWARES >`.repeat(n));
  const reuse = createXmlReuse(['softwares']);
  const started = performance.now();
  const parsed = parseXml(xml, { ...generous, maxElements: 10 * n }, reuse);
  assert.equal(parsed.elements, 3 + 2 * n);
  assert.ok(performance.now() - started < 2000, `expected a linear read, took ${Math.round(performance.now() - started)} ms`);
});

test('reuse: the entry that came next last time is taken only on an exact match of the whole content', () => {
  const reuse = createXmlReuse(['softwares']);
  const a = pkg('a'), b = pkg('b'), c = pkg('c');
  assert.deepEqual(parseXml(doc(a + b + c), generous, reuse), parseXml(doc(a + b + c), generous));
  // b's content, one character changed, or longer, or shorter, where b came last time: read afresh
  for (const other of [pkg('B'), pkg('bb'), pkg(''), pkg('b', '<X/>'), `<SOFTWARES><NAME>b</NAME><VERSION>1.0</VERSION></SOFTWARES >`]) {
    const xml = doc(a + other + c);
    assert.deepEqual(parseXml(xml, generous, reuse), parseXml(xml, generous), other);
  }
  // a guess whose content is followed by more than its closing tag is no match either
  const longer = doc(a + `<SOFTWARES><NAME>b</NAME><VERSION>1.0</VERSION><SOFTWARES><NAME>in</NAME></SOFTWARES></SOFTWARES>` + c);
  assert.deepEqual(parseXml(longer, generous, reuse), parseXml(longer, generous));
  // a forbidden character right after a guessed element is still found
  assert.throws(() => parseXml(doc(a + b + '\u0001' + c), generous, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_MALFORMED');
  assert.throws(() => parseXml(doc(a + b + '<SOFTWARES\u000b>' + c.slice('<SOFTWARES>'.length)), generous, reuse), (e: unknown) => e instanceof VigieError && e.code === 'INVENTORY_MALFORMED');
});

test('reuse: past maxEntries the cache starts over and keeps no link to the entries it dropped', () => {
  const reuse = createXmlReuse(['softwares'], 3);
  const xml = doc(pkg('a') + pkg('b') + pkg('c') + pkg('d') + pkg('e'));
  for (let i = 0; i < 3; i++) assert.deepEqual(parseXml(xml, generous, reuse), parseXml(xml, generous));
  assert.ok(reuse.cache.size <= 3);
  for (const e of reuse.cache.values()) {
    assert.equal(e.generation, reuse.generation);
    if (e.next) assert.equal(e.next.generation, reuse.generation, 'a kept entry links only to kept entries');
  }
});
