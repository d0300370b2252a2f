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
  /** Reusable element (XmlReuse): where its content starts, and the element count when it opened. */
  reuseFrom?: number;
  elementsAtOpen?: number;
}

/**
 * Subtrees reused across documents by their exact text. An agent's inventory repeats the same ~1,000 SOFTWARES
 * elements run after run, and a fleet shares most of them: an element whose content was read before is looked up
 * by that content instead of being read again (about 4× cheaper for a 909-package inventory). The cached value is
 * shared: callers must not mutate it (the mappers only read). Only elements without attributes, at the same depth
 * and under the same limits as when cached, with content up to `maxBytes`, are reused; the element count still
 * counts their children.
 */
export interface XmlReuse {
  /** Lower-cased element names eligible, e.g. "softwares". */
  names: ReadonlySet<string>;
  cache: Map<string, { value: XmlValue; elements: number; depth: number }>;
  /** Entries kept; past it the cache starts over. */
  maxEntries: number;
  maxBytes: number;
  /** Depth and field limits the cached subtrees were read under: other limits start the cache over. */
  limits?: { maxDepth: number; maxFieldBytes: number };
}

export function createXmlReuse(names: string[], maxEntries = 10_000, maxBytes = 8192): XmlReuse {
  return { names: new Set(names), cache: new Map(), maxEntries, maxBytes };
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
      // FusionInventory writes binary SNMP strings as &#0;…&#31; (XML::TreePP escapes them that way): rejecting the
      // whole report would lose a device, so a reference to a C0 control becomes U+FFFD and the field stays visible
      // as damaged. Raw control characters, surrogates and out-of-range code points are still refused.
      if (Number.isInteger(code) && code >= 0 && code < 0x20) return '\ufffd';
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

/** @param reuse a cache of subtrees shared across calls (parse workers only; see XmlReuse). */
export function parseXml(text: string, limits: XmlLimits, reuse?: XmlReuse): ParsedXml {
  const stack: Frame[] = [];
  let root: XmlValue | undefined;
  let rootName = '';
  let elements = 0;
  let pos = 0;
  const len = text.length;
  // Characters: checked over the whole text, except, with `reuse`, the content of reused elements (checked when
  // first cached): `checkedTo` is where the part still to check starts.
  let checkedTo = 0;
  const checkChars = (from: number, to: number) => {
    const bad = FORBIDDEN_CHAR.exec(from === 0 && to === len ? text : text.slice(from, to));
    if (bad) {
      throw malformed(`expected only XML 1.0 characters, found U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at line ${lineAt(text, from + bad.index)}`);
    }
  };
  if (!reuse) {
    checkChars(0, len);
    checkedTo = len;
  } else if (reuse.limits?.maxDepth !== limits.maxDepth || reuse.limits.maxFieldBytes !== limits.maxFieldBytes) {
    reuse.cache.clear();
    reuse.limits = { maxDepth: limits.maxDepth, maxFieldBytes: limits.maxFieldBytes };
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

  // Tag spelling → lower-cased name, validated once per spelling: an inventory repeats a few dozen names thousands of times.
  const names = new Map<string, string>();

  while (pos < len) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      appendText(text.slice(pos), pos);
      break;
    }
    if (lt > pos) {
      // Indentation between elements is the common case: skip it without slicing.
      let i = pos;
      while (i < lt && isSpace(text.charCodeAt(i))) i++;
      if (i < lt) appendText(text.slice(pos, lt), pos);
    }
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const gt = text.indexOf('>', lt);
      if (gt === -1) throw malformed(`unterminated closing tag at line ${lineAt(text, lt)}`);
      const frame = stack.pop();
      if (!frame || !closes(frame.tag, lt + 2, gt)) {
        const tag = text.slice(lt + 2, gt).trim();
        if (!frame || frame.tag !== tag) {
          throw malformed(`expected </${frame?.tag ?? '(none)'}>, found </${tag}> at line ${lineAt(text, lt)}`);
        }
      }
      let value = valueOf(frame);
      if (frame.reuseFrom !== undefined) value = remember(frame, lt, value);
      closeFrame(frame, value);
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
      const innerEnd = selfClosing ? gt - 1 : gt;
      // The name runs to the first space, "/" or ">" (what TAG_NAME matched when the tag's text was sliced first).
      let sp = lt + 1;
      while (sp < innerEnd) {
        const ch = text.charCodeAt(sp);
        if (ch === 0x2f || ch === 0x3e || isSpace(ch) || ch === 0x0b || ch === 0x0c || ch > 0x7f) break;
        sp++;
      }
      if (sp < innerEnd && text.charCodeAt(sp) > 0x7f) {
        TAG_NAME.lastIndex = lt + 1; // a non-ASCII character: let the regex decide whether it is a space (\s) or part of the name
        TAG_NAME.exec(text);
        sp = Math.min(TAG_NAME.lastIndex, innerEnd);
      }
      const tag = text.slice(lt + 1, sp);
      let name = names.get(tag);
      if (name === undefined) {
        if (!NAME.test(tag)) throw malformed(`expected an element name, found "<${text.slice(lt + 1, Math.min(innerEnd, lt + 21))}" at line ${lineAt(text, lt)}`);
        name = tag.toLowerCase();
        names.set(tag, name);
      }
      if (root !== undefined) throw malformed(`expected one root element, found another <${tag}> at line ${lineAt(text, lt)}`);
      elements++;
      if (elements > limits.maxElements) {
        throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected at most ${limits.maxElements} elements, found more`);
      }
      if (stack.length >= limits.maxDepth) {
        throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected nesting depth ≤ ${limits.maxDepth}, found deeper at <${tag}> line ${lineAt(text, lt)}`);
      }
      const frame: Frame = { tag, name, obj: null, text: '' };
      if (sp < innerEnd) {
        const rest = text.slice(sp, innerEnd);
        if (rest.trim()) readAttributes(frame, rest, lt);
      }
      if (reuse && !selfClosing && frame.obj === null && stack.length > 0 && reuse.names.has(name)) {
        // The content up to the first closing tag of that spelling: if it was read before, it is a complete,
        // balanced element content (it contains no such closing tag itself), so this element is exactly that.
        const close = text.indexOf(`</${tag}>`, gt + 1);
        if (close !== -1 && close - gt - 1 <= reuse.maxBytes) {
          const hit = reuse.cache.get(text.slice(gt + 1, close));
          if (hit && hit.depth === stack.length) {
            checkChars(checkedTo, gt + 1);
            checkedTo = close;
            elements += hit.elements;
            if (elements > limits.maxElements) {
              throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected at most ${limits.maxElements} elements, found more`);
            }
            addChild(stack[stack.length - 1]!, name, hit.value);
            pos = close + tag.length + 3;
            continue;
          }
        }
        frame.reuseFrom = gt + 1;
        frame.elementsAtOpen = elements;
      }
      stack.push(frame);
      if (selfClosing) closeFrame(stack.pop()!);
      pos = gt + 1;
    }
  }
  if (checkedTo < len) checkChars(checkedTo, len);
  if (stack.length) throw malformed(`expected </${stack[stack.length - 1]!.tag}> before the end of the document (truncated?)`);
  if (root === undefined) throw malformed('expected a root element, found none');
  return { rootName, root, elements };

  function valueOf(frame: Frame): XmlValue {
    if (frame.obj === null) return frame.text.trim();
    const t = frame.text.trim();
    if (t) frame.obj['#text'] = t;
    return frame.obj;
  }

  function closeFrame(frame: Frame, value: XmlValue = valueOf(frame)): void {
    const parent = stack[stack.length - 1];
    if (parent) addChild(parent, frame.name, value);
    else {
      root = value;
      rootName = frame.name;
    }
  }

  /**
   * Caches a reusable element's value by its content text; `frame` is already popped, so the depth is its parent's.
   * Returns the value to use: a copy that holds no slice of this document (V8 substrings keep their whole parent
   * string alive, and a cache entry would then keep every 364 KB document it came from).
   */
  function remember(frame: Frame, closeAt: number, value: XmlValue): XmlValue {
    const from = frame.reuseFrom!;
    if (closeAt - from > reuse!.maxBytes) return value;
    const raw = text.slice(from, closeAt);
    if (FORBIDDEN_CHAR.test(raw)) return value; // refused at the end of this parse; never cached, so never skipped
    if (reuse!.cache.size >= reuse!.maxEntries) reuse!.cache.clear();
    const own = detached(value);
    reuse!.cache.set(detached(raw) as string, { value: own, elements: elements - frame.elementsAtOpen!, depth: stack.length });
    return own;
  }

  /** Whether text[from, gt) is `tag` followed only by spaces, without slicing it. */
  function closes(tag: string, from: number, gt: number): boolean {
    if (!text.startsWith(tag, from)) return false;
    for (let i = from + tag.length; i < gt; i++) if (!isSpace(text.charCodeAt(i))) return false;
    return true;
  }

  function readAttributes(frame: Frame, rest: string, lt: number): void {
    const obj: XmlObject = (frame.obj = {});
    const tag = frame.tag;
    let i = 0;
    while (i < rest.length) {
      while (i < rest.length && /\s/.test(rest[i]!)) i++;
      if (i >= rest.length) break;
      ATTR.lastIndex = i;
      const m = ATTR.exec(rest);
      if (!m) throw malformed(`expected name="value" attributes in <${tag}>, found "${rest.slice(i, i + 20)}" at line ${lineAt(text, lt)}`);
      const key = '@' + m[1]!.toLowerCase();
      if (Object.hasOwn(obj, key)) throw malformed(`expected each attribute once in <${tag}>, found ${m[1]} twice at line ${lineAt(text, lt)}`);
      setOwn(obj, key, decodeEntities(m[2] ?? m[3] ?? ''));
      i = ATTR.lastIndex;
    }
  }
}

/** A deep copy whose strings are new, not slices of the document (see remember). */
function detached(v: XmlValue): XmlValue {
  if (typeof v === 'string') return (' ' + v).slice(1); // the concatenation is flattened into a new string
  if (Array.isArray(v)) return v.map(detached);
  const o: XmlObject = {};
  for (const k of Object.keys(v)) setOwn(o, k, detached(v[k]!));
  return o;
}

/** XML white space (S production): space, tab, CR, LF. */
function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
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
