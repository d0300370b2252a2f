/**
 * Hostile-input-safe XML → plain object tree, for agent messages (OCS / FusionInventory protocol).
 *
 * Why not saxes: measured 9.5 ms per real 364 KB OCS inventory, which alone would cap ingest below the
 * 200 inventories/s goal on two cores (docs/adr/0001-agent-xml-reader.md). This reader handles exactly the
 * XML that agents emit (elements, attributes, text, CDATA, comments, processing instructions) in one pass
 * with indexOf, and refuses the rest: any DOCTYPE (so no DTD, no entity declarations: XXE and "billion
 * laughs" are impossible), entities other than the five predefined and numeric references, mismatched
 * tags. It caps depth, element count and field size. xml.test.ts checks it against saxes on every capture.
 *
 * Tree shape: element names are lower-cased; an element with neither children nor attributes becomes its
 * text; otherwise an object whose keys are child names (a repeated child becomes an array) plus attributes
 * (`@name`) and any text (`#text`). This is the shape of GLPI JSON content, so one mapper serves both.
 */
import { VigieError } from '../../../common/errors.js';

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  maxFieldBytes: number;
}

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

export interface ParsedXml {
  rootName: string;
  root: XmlValue;
  elements: number;
}

interface Frame {
  tag: string;
  name: string;
  obj: XmlObject | null;
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*$/;
const NON_SPACE = /\S/;
const TAG_NAME = /[^\s/>]*/y;
const ATTR = /([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function malformed(msg: string): VigieError {
  return new VigieError('INVENTORY_MALFORMED', `XML rejected: not well-formed: ${msg}`);
}

function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** XML 1.0 Char production: tab, LF, CR, and everything from U+0020 except surrogates and U+FFFE/U+FFFF. */
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff;
}
// eslint-disable-next-line no-control-regex -- finding forbidden control characters is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Sets a key even when it is "__proto__" (an element name an attacker may choose), without touching the prototype. */
function setOwn(obj: XmlObject, key: string, value: XmlValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function decodeEntities(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&([^;&\s]{0,12});?/g, (m, ent: string) => {
    if (!m.endsWith(';')) throw malformed(`expected an entity reference ending in ";", found "${m}"`);
    if (ent.startsWith('#')) {
      const code = ent[1] === 'x' ? Number.parseInt(ent.slice(2), 16) : Number.parseInt(ent.slice(1), 10);
      if (!Number.isFinite(code) || !isXmlChar(code)) {
        throw malformed(`expected a valid character reference, found "${m}"`);
      }
      return String.fromCodePoint(code);
    }
    const v = PREDEFINED[ent];
    if (v === undefined) {
      throw new VigieError('INVENTORY_FORBIDDEN_MARKUP', `XML rejected: expected only the predefined entities, found "&${ent};"`);
    }
    return v;
  });
}

function addChild(parent: Frame, name: string, value: XmlValue): void {
  parent.obj ??= {};
  const existing = Object.hasOwn(parent.obj, name) ? parent.obj[name] : undefined;
  if (existing === undefined) setOwn(parent.obj, name, value);
  else if (Array.isArray(existing)) existing.push(value);
  else setOwn(parent.obj, name, [existing, value]);
}

export function parseXml(text: string, limits: XmlLimits): ParsedXml {
  const stack: Frame[] = [];
  let root: XmlValue | undefined;
  let rootName = '';
  let elements = 0;
  let pos = 0;
  const len = text.length;
  const bad = FORBIDDEN_CHAR.exec(text);
  if (bad) {
    throw malformed(`expected only XML 1.0 characters, found U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at line ${lineAt(text, bad.index)}`);
  }

  const appendText = (raw: string, at: number) => {
    // Whitespace between elements is not content (every value is trimmed): skip it cheaply.
    if (!NON_SPACE.test(raw)) return;
    const top = stack[stack.length - 1];
    if (!top) {
      if (raw.trim()) throw malformed(`expected only markup outside the root element, found text at line ${lineAt(text, at)}`);
      return;
    }
    top.text += decodeEntities(raw);
    if (top.text.length > limits.maxFieldBytes) {
      throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected field values ≤ ${limits.maxFieldBytes} bytes, found a longer <${top.tag}> at line ${lineAt(text, at)}`);
    }
  };

  while (pos < len) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      appendText(text.slice(pos), pos);
      break;
    }
    if (lt > pos) appendText(text.slice(pos, lt), pos);
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const gt = text.indexOf('>', lt);
      if (gt === -1) throw malformed(`unterminated closing tag at line ${lineAt(text, lt)}`);
      const tag = text.slice(lt + 2, gt).trim();
      const frame = stack.pop();
      if (!frame || frame.tag !== tag) {
        throw malformed(`expected </${frame?.tag ?? '(none)'}>, found </${tag}> at line ${lineAt(text, lt)}`);
      }
      closeFrame(frame);
      pos = gt + 1;
    } else if (c === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw malformed(`unterminated processing instruction at line ${lineAt(text, lt)}`);
      pos = end + 2;
    } else if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) throw malformed(`unterminated comment at line ${lineAt(text, lt)}`);
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) throw malformed(`unterminated CDATA section at line ${lineAt(text, lt)}`);
        const top = stack[stack.length - 1];
        if (!top) throw malformed(`expected CDATA inside an element, found it outside at line ${lineAt(text, lt)}`);
        top.text += text.slice(lt + 9, end);
        if (top.text.length > limits.maxFieldBytes) {
          throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected field values ≤ ${limits.maxFieldBytes} bytes, found a longer <${top.tag}>`);
        }
        pos = end + 3;
      } else if (/^<!DOCTYPE/i.test(text.slice(lt, lt + 9)) || /^<!ENTITY/i.test(text.slice(lt, lt + 8))) {
        throw new VigieError('INVENTORY_FORBIDDEN_MARKUP', `XML rejected: expected no DOCTYPE (DTDs and entities are refused), found one at line ${lineAt(text, lt)}`);
      } else {
        throw malformed(`unexpected markup "${text.slice(lt, lt + 12)}" at line ${lineAt(text, lt)}`);
      }
    } else {
      const gt = text.indexOf('>', lt);
      if (gt === -1) throw malformed(`unterminated tag at line ${lineAt(text, lt)}`);
      const selfClosing = text.charCodeAt(gt - 1) === 0x2f;
      const inner = text.slice(lt + 1, selfClosing ? gt - 1 : gt);
      TAG_NAME.lastIndex = 0;
      TAG_NAME.exec(inner);
      const sp = TAG_NAME.lastIndex;
      const tag = inner.slice(0, sp);
      if (!NAME.test(tag)) throw malformed(`expected an element name, found "<${inner.slice(0, 20)}" at line ${lineAt(text, lt)}`);
      if (root !== undefined) throw malformed(`expected one root element, found another <${tag}> at line ${lineAt(text, lt)}`);
      elements++;
      if (elements > limits.maxElements) {
        throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected at most ${limits.maxElements} elements, found more`);
      }
      if (stack.length >= limits.maxDepth) {
        throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected nesting depth ≤ ${limits.maxDepth}, found deeper at <${tag}> line ${lineAt(text, lt)}`);
      }
      const frame: Frame = { tag, name: tag.toLowerCase(), obj: null, text: '' };
      const rest = inner.slice(sp);
      if (rest.trim()) {
        frame.obj = {};
        ATTR.lastIndex = 0;
        let i = 0;
        while (i < rest.length) {
          while (i < rest.length && /\s/.test(rest[i]!)) i++;
          if (i >= rest.length) break;
          ATTR.lastIndex = i;
          const m = ATTR.exec(rest);
          if (!m) throw malformed(`expected name="value" attributes in <${tag}>, found "${rest.slice(i, i + 20)}" at line ${lineAt(text, lt)}`);
          const key = '@' + m[1]!.toLowerCase();
          if (Object.hasOwn(frame.obj, key)) throw malformed(`expected each attribute once in <${tag}>, found ${m[1]} twice at line ${lineAt(text, lt)}`);
          setOwn(frame.obj, key, decodeEntities(m[2] ?? m[3] ?? ''));
          i = ATTR.lastIndex;
        }
      }
      stack.push(frame);
      if (selfClosing) closeFrame(stack.pop()!);
      pos = gt + 1;
    }
  }
  if (stack.length) throw malformed(`expected </${stack[stack.length - 1]!.tag}> before the end of the document (truncated?)`);
  if (root === undefined) throw malformed('expected a root element, found none');
  return { rootName, root, elements };

  function closeFrame(frame: Frame): void {
    let value: XmlValue;
    if (frame.obj === null) value = frame.text.trim();
    else {
      const t = frame.text.trim();
      if (t) frame.obj['#text'] = t;
      value = frame.obj;
    }
    const parent = stack[stack.length - 1];
    if (parent) addChild(parent, frame.name, value);
    else {
      root = value;
      rootName = frame.name;
    }
  }
}

/** Reads a child as a list whatever the multiplicity it had on the wire. */
export function asList(v: XmlValue | undefined): XmlValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Reads a leaf as text ('' for a missing or structured value). */
export function asText(v: XmlValue | undefined): string {
  if (typeof v === 'string') return v;
  if (v && !Array.isArray(v) && typeof v['#text'] === 'string') return v['#text'];
  return '';
}
