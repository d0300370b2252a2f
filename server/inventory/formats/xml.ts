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
 * A document may come in parts (decode.ts decodeBodyParts: each under V8's large-object size): it gives the tree of
 * the whole text, and is refused when the whole text is (with several faults, which one is reported may differ);
 * xml.test.ts checks both on every capture and hostile case cut into parts down to one character.
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
  /** The `text` (parseXml textId) reuseFrom is a position in. */
  reuseText?: number;
  elementsAtOpen?: number;
}

/**
 * Subtrees reused across documents by their exact text. An agent's inventory repeats the same ~1,000 SOFTWARES
 * elements run after run, and a fleet shares most of them: an element whose content was read before is looked up
 * by that content instead of being read again (about 4× cheaper for a 909-package inventory). The cached value is
 * shared: callers must not mutate it (the mappers only read). Only elements without attributes, at the same depth
 * and under the same limits as when cached, with content up to `maxBytes`, are reused; the element count still
 * counts their children.
 *
 * Finding an entry: first the entry that followed the previous reusable element last time (`next`: agents list
 * packages in the same order run after run, and a fleet's lists are alike), compared in one string comparison;
 * else by content in `cache`, whose key must be hashed in full (~2 ns a character, most of the cost of a read
 * before `next` existed). Either way a hit is an exact match of the whole content, never a guess.
 */
export interface XmlReuse {
  /** Lower-cased element names eligible, e.g. "softwares". */
  names: ReadonlySet<string>;
  cache: Map<string, XmlReuseEntry>;
  /** Entries kept; past it the cache starts over. */
  maxEntries: number;
  maxBytes: number;
  /** Depth and field limits the cached subtrees were read under: other limits start the cache over. */
  limits?: { maxDepth: number; maxFieldBytes: number };
  /**
   * Bumped each time the cache starts over. `next` links are followed and set only between entries of the current
   * generation, so an entry dropped from `cache` is never used again and nothing in `cache` keeps it alive: the
   * memory bound of `maxEntries` × `maxBytes` holds.
   */
  generation: number;
}

export interface XmlReuseEntry {
  /** The element's content, exactly as it was read (and the key of `cache`). */
  raw: string;
  value: XmlValue;
  /** Elements inside the content (the element itself not included). */
  elements: number;
  /** Number of ancestors the element had. */
  depth: number;
  generation: number;
  /** The reusable element that came next in the last document where this one was read. */
  next?: XmlReuseEntry;
}

export function createXmlReuse(names: string[], maxEntries = 10_000, maxBytes = 8192): XmlReuse {
  return { names: new Set(names), cache: new Map(), maxEntries, maxBytes, generation: 0 };
}

/** Empties a reuse cache; entries still referenced (`next`, a parse under way) are never used again. */
function restart(reuse: XmlReuse): void {
  reuse.cache.clear();
  reuse.generation++;
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

/** A UTF-16 code unit FORBIDDEN_CHAR matches. */
function isForbiddenCode(c: number): boolean {
  return c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== 0x0d : c >= 0xfffe && c <= 0xffff;
}

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

/**
 * @param input the document, whole or in parts (decode.ts decodeBodyParts) that each start with "<" but the first:
 *   their concatenation is the document, and the tree is the same either way. Parts keep every string below V8's
 *   large-object size (128 KiB): a 364 KB string costs ~0.4 ms to allocate and collect, more than reading it.
 * @param reuse a cache of subtrees shared across calls (parse workers only; see XmlReuse).
 */
export function parseXml(input: string | readonly string[], limits: XmlLimits, reuse?: XmlReuse): ParsedXml {
  const parts = typeof input === 'string' ? [input] : input.length ? input : [''];
  const stack: Frame[] = [];
  let root: XmlValue | undefined;
  let rootName = '';
  let elements = 0;
  // The text being read: one part, or the end of one joined to the next ones (`join`). `pos` is in it.
  let part = 0;
  let text = parts[0]!;
  let len = text.length;
  let pos = 0;
  /** Changes with `text`: an element that started in another text is not cached (remember). */
  let textId = 0;
  /** Text read before `text`, for line numbers in errors. */
  const before: string[] = [];
  const line = (at: number) => {
    let n = 0;
    for (const t of before) n += lineAt(t, t.length) - 1;
    return n + lineAt(text, at);
  };
  // Characters: checked over the whole text, except, with `reuse`, the content of reused elements (checked when
  // first cached): `checkedTo` is where the part still to check starts, in `text`.
  let checkedTo = 0;
  const checkChars = (from: number, to: number) => {
    if (to - from <= 64) {
      // The gap between two reused elements (indentation and a tag): a loop is cheaper than a regex on a slice.
      // It only decides that the range is clean; a forbidden character is found and reported by the regex below.
      let i = from;
      while (i < to && !isForbiddenCode(text.charCodeAt(i))) i++;
      if (i === to) return;
    }
    const bad = FORBIDDEN_CHAR.exec(from === 0 && to === len ? text : text.slice(from, to));
    if (bad) {
      throw malformed(`expected only XML 1.0 characters, found U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at line ${line(from + bad.index)}`);
    }
  };
  if (!reuse) {
    // Every part first, as for a whole document: the regex runs in native code over each.
    for (let i = 0; i < parts.length; i++) {
      text = parts[i]!;
      len = text.length;
      if (!FORBIDDEN_CHAR.test(text)) continue;
      before.push(...parts.slice(0, i)); // for the line number
      checkChars(0, len);
    }
    text = parts[0]!;
    len = text.length;
    checkedTo = len;
  } else if (reuse.limits?.maxDepth !== limits.maxDepth || reuse.limits.maxFieldBytes !== limits.maxFieldBytes) {
    restart(reuse);
    reuse.limits = { maxDepth: limits.maxDepth, maxFieldBytes: limits.maxFieldBytes };
  }

  const appendText = (raw: string, at: number) => {
    // Whitespace between elements is not content (every value is trimmed): skip it cheaply.
    if (!NON_SPACE.test(raw)) return;
    const top = stack[stack.length - 1];
    if (!top) {
      if (raw.trim()) throw malformed(`expected only markup outside the root element, found text at line ${line(at)}`);
      return;
    }
    top.text += decodeEntities(raw);
    if (top.text.length > limits.maxFieldBytes) {
      throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected field values ≤ ${limits.maxFieldBytes} bytes, found a longer <${top.tag}> at line ${line(at)}`);
    }
  };

  // The last reusable element read (XmlReuse): its `next` is the guess for the following one.
  let lastReused: XmlReuseEntry | undefined;

  /** Moves on to the next part; false at the end of the document. */
  const nextPart = (): boolean => {
    if (part + 1 >= parts.length) return false;
    if (reuse && checkedTo < len) checkChars(checkedTo, len);
    before.push(text);
    text = parts[++part]!;
    len = text.length;
    pos = 0;
    checkedTo = reuse ? 0 : len;
    textId++;
    return true;
  };

  /**
   * Makes `text` the text from `from` joined to the parts after it, through part `last`: for a token that runs past
   * the end of its part. Each part is joined once at most, so reading stays linear in the document.
   */
  const join = (from: number, last: number): void => {
    if (reuse && checkedTo < from) checkChars(checkedTo, from);
    before.push(text.slice(0, from));
    // join() builds one flat string; `+` would make a rope, which every charCodeAt then goes through.
    text = [text.slice(from), ...parts.slice(part + 1, last + 1)].join('');
    part = last;
    len = text.length;
    pos = 0;
    lt = 0;
    checkedTo = reuse ? 0 : len;
    textId++;
  };

  /**
   * Where `needle` first is at or after `from + skip`, when the token at `from` may run into later parts: they are
   * joined to `text` (the token then starts at 0). A needle holds no "<" (terminators: ">", "?>", "-->", "]]>"),
   * and every part but the first starts with "<", so no needle spans two parts. -1 when the document has none.
   */
  const terminator = (from: number, needle: string, skip: number): number => {
    const at = text.indexOf(needle, from + skip);
    if (at !== -1 || part + 1 >= parts.length) return at;
    let last = part + 1;
    while (last < parts.length && parts[last]!.indexOf(needle) === -1) last++;
    if (last === parts.length) return -1;
    join(from, last);
    return text.indexOf(needle, skip);
  };

  // Tag spelling → lower-cased name, validated once per spelling: an inventory repeats a few dozen names thousands of times.
  const names = new Map<string, string>();

  /** Where the token being read starts in `text` (join moves it to 0). */
  let lt: number;
  for (;;) {
    if (pos >= len && !nextPart()) break;
    lt = text.indexOf('<', pos);
    if (lt === -1) {
      // Text up to the end of the part: the next part starts with "<", so the text run ends here.
      appendText(text.slice(pos), pos);
      pos = len;
      continue;
    }
    if (lt > pos) {
      // Indentation between elements is the common case: skip it without slicing.
      let i = pos;
      while (i < lt && isSpace(text.charCodeAt(i))) i++;
      if (i < lt) appendText(text.slice(pos, lt), pos);
      else if (checkedTo === pos) checkedTo = lt; // only XML white space: nothing forbidden in it
    }
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const gt = terminator(lt, '>', 0);
      if (gt === -1) throw malformed(`unterminated closing tag at line ${line(lt)}`);
      const frame = stack.pop();
      if (!frame || !closes(frame.tag, lt + 2, gt)) {
        const tag = text.slice(lt + 2, gt).trim();
        if (!frame || frame.tag !== tag) {
          throw malformed(`expected </${frame?.tag ?? '(none)'}>, found </${tag}> at line ${line(lt)}`);
        }
      }
      let value = valueOf(frame);
      if (frame.reuseFrom !== undefined) value = remember(frame, lt, value);
      closeFrame(frame, value);
      pos = gt + 1;
    } else if (c === 0x3f /* ? */) {
      const end = terminator(lt, '?>', 2);
      if (end === -1) throw malformed(`unterminated processing instruction at line ${line(lt)}`);
      pos = end + 2;
    } else if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = terminator(lt, '-->', 4);
        if (end === -1) throw malformed(`unterminated comment at line ${line(lt)}`);
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = terminator(lt, ']]>', 9);
        if (end === -1) throw malformed(`unterminated CDATA section at line ${line(lt)}`);
        const top = stack[stack.length - 1];
        if (!top) throw malformed(`expected CDATA inside an element, found it outside at line ${line(lt)}`);
        top.text += text.slice(lt + 9, end);
        if (top.text.length > limits.maxFieldBytes) {
          throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected field values ≤ ${limits.maxFieldBytes} bytes, found a longer <${top.tag}>`);
        }
        pos = end + 3;
      } else if (/^<!DOCTYPE/i.test(text.slice(lt, lt + 9)) || /^<!ENTITY/i.test(text.slice(lt, lt + 8))) {
        throw new VigieError('INVENTORY_FORBIDDEN_MARKUP', `XML rejected: expected no DOCTYPE (DTDs and entities are refused), found one at line ${line(lt)}`);
      } else {
        throw malformed(`unexpected markup "${text.slice(lt, lt + 12)}" at line ${line(lt)}`);
      }
    } else {
      let gt = terminator(lt, '>', 0);
      if (gt === -1) throw malformed(`unterminated tag at line ${line(lt)}`);
      const selfClosing = text.charCodeAt(gt - 1) === 0x2f;
      let innerEnd = selfClosing ? gt - 1 : gt;
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
        if (!NAME.test(tag)) throw malformed(`expected an element name, found "<${text.slice(lt + 1, Math.min(innerEnd, lt + 21))}" at line ${line(lt)}`);
        name = tag.toLowerCase();
        names.set(tag, name);
      }
      if (root !== undefined) throw malformed(`expected one root element, found another <${tag}> at line ${line(lt)}`);
      count(1);
      if (stack.length >= limits.maxDepth) {
        throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected nesting depth ≤ ${limits.maxDepth}, found deeper at <${tag}> line ${line(lt)}`);
      }
      const frame: Frame = { tag, name, obj: null, text: '' };
      if (sp < innerEnd) {
        const rest = text.slice(sp, innerEnd);
        if (rest.trim()) readAttributes(frame, rest, lt);
      }
      if (reuse && !selfClosing && frame.obj === null && stack.length > 0 && reuse.names.has(name)) {
        if (splitAt(tag, gt + 1)) {
          // The element runs into the next part: join it, so that the element is whole in `text` and can be looked
          // up (content ≤ maxBytes). At most once per part, so linear.
          const shift = lt;
          join(lt, part + 1);
          gt -= shift;
          sp -= shift;
          innerEnd -= shift;
        }
        const hit = reusable(reuse, tag, gt + 1);
        if (hit) {
          const close = gt + 1 + hit.raw.length;
          // Unless all before it is checked and the tag is exactly "<" + name + ">" (a name is ASCII, NAME).
          if (checkedTo !== lt || sp !== innerEnd) checkChars(checkedTo, gt + 1);
          count(hit.elements);
          addChild(stack[stack.length - 1]!, name, hit.value);
          follows(reuse, hit);
          // Past "</tag>" too: it was matched exactly (reusable), so it holds nothing forbidden either.
          pos = checkedTo = close + tag.length + 3;
          readSiblings(reuse, tag, name);
          continue;
        }
        frame.reuseFrom = gt + 1;
        frame.reuseText = textId;
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

  /** Counts `n` more elements against maxElements. */
  function count(n: number): void {
    elements += n;
    if (elements > limits.maxElements) {
      throw new VigieError('INVENTORY_TOO_LARGE', `XML rejected: expected at most ${limits.maxElements} elements, found more`);
    }
  }

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
   * The cached entry whose content is exactly the text from `from` up to a closing tag `</tag>`, at this depth.
   *
   * Why a hit is this element, read afresh: the entry's content was read to its end as one element's complete
   * content, at the same depth and under the same depth and field limits, with only XML 1.0 characters (remember),
   * and reading is a function of the text alone from there; so the same text reads the same way, to the same value,
   * with the same element count, and ends where `</tag>` closes this element. Nothing of it can differ by one
   * character: both ways below compare the whole content.
   */
  function reusable(reuse: XmlReuse, tag: string, from: number): XmlReuseEntry | undefined {
    const depth = stack.length;
    // 1. The entry that followed the previous one last time: one comparison, no hashing.
    const needle = `</${tag}>`;
    const guess = lastReused?.generation === reuse.generation ? lastReused.next : undefined;
    if (guess !== undefined && guess.generation === reuse.generation && guess.depth === depth) {
      const end = from + guess.raw.length;
      if (text.charCodeAt(end) === 0x3c && text.slice(end, end + needle.length) === needle && text.slice(from, end) === guess.raw) return guess;
    }
    // 2. By content: up to the first closing tag of that spelling, looked for within maxBytes only (a search to the
    // end of the document for every such element would make a hostile document quadratic).
    const close = text.slice(from, from + reuse.maxBytes + needle.length).indexOf(needle);
    if (close === -1) return undefined;
    const hit = reuse.cache.get(text.slice(from, from + close));
    return hit !== undefined && hit.depth === depth ? hit : undefined;
  }

  /**
   * After a reused element at `pos`: the siblings that follow with the same plain opening tag are looked up at once,
   * without the generic tag reading (an inventory lists its packages back to back). Stops at anything else, which the
   * main loop then reads. Each element is counted as there; its depth is its predecessor's, its "<tag>" is exact and
   * only XML white space comes before it, so no character in between needs checking.
   */
  function readSiblings(reuse: XmlReuse, tag: string, name: string): void {
    const open = `<${tag}>`;
    const parent = stack[stack.length - 1]!;
    // The parent's list of these elements, once there is one (addChild makes it at the second).
    let list: XmlValue[] | undefined;
    for (;;) {
      let i = pos;
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      const from = i + open.length;
      if (text.charCodeAt(i) !== 0x3c || text.slice(i, from) !== open) return;
      // One that runs into the next part: the main loop joins it first.
      if (splitAt(tag, from)) return;
      const hit = reusable(reuse, tag, from);
      if (!hit) return;
      count(1 + hit.elements);
      if (list) list.push(hit.value);
      else {
        addChild(parent, name, hit.value);
        const v = parent.obj![name];
        if (Array.isArray(v)) list = v;
      }
      follows(reuse, hit);
      pos = checkedTo = from + hit.raw.length + tag.length + 3;
    }
  }

  /** Links `entry` as what followed the last reusable element (both of the current generation: see XmlReuse). */
  function follows(reuse: XmlReuse, entry: XmlReuseEntry): void {
    const last = lastReused;
    if (last !== undefined && last.generation === reuse.generation && entry.generation === reuse.generation && last.next !== entry) last.next = entry;
    lastReused = entry;
  }

  /**
   * Caches a reusable element's value by its content text; `frame` is already popped, so the depth is its parent's.
   * Returns the value to use: a copy that holds no slice of this document (V8 substrings keep their whole parent
   * string alive, and a cache entry would then keep every 364 KB document it came from).
   */
  function remember(frame: Frame, closeAt: number, value: XmlValue): XmlValue {
    const from = frame.reuseFrom!;
    lastReused = undefined;
    if (frame.reuseText !== textId || closeAt - from > reuse!.maxBytes) return value;
    const raw = text.slice(from, closeAt);
    if (FORBIDDEN_CHAR.test(raw)) return value; // refused at the end of this parse; never cached, so never skipped
    if (reuse!.cache.size >= reuse!.maxEntries) restart(reuse!);
    const own = detached(value);
    const key = detached(raw) as string;
    const entry: XmlReuseEntry = { raw: key, value: own, elements: elements - frame.elementsAtOpen!, depth: stack.length, generation: reuse!.generation };
    reuse!.cache.set(key, entry);
    follows(reuse!, entry);
    return own;
  }

  /**
   * Whether an element whose content starts at `from` may close only in a later part: there is one, `from` is within
   * maxBytes (+ slack) of the end of `text`, and `text` has no "</tag>" at or after `from`. Searching back from the
   * end stops at the text's last closing tag: when it is at or after `from`, within maxBytes + 256 characters (the
   * bound reusable() has per element too); else the whole text is read once and the next part joined.
   */
  function splitAt(tag: string, from: number): boolean {
    if (part + 1 >= parts.length || len - from >= reuse!.maxBytes + 256) return false;
    return text.lastIndexOf(`</${tag}>`) < from;
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
      if (!m) throw malformed(`expected name="value" attributes in <${tag}>, found "${rest.slice(i, i + 20)}" at line ${line(lt)}`);
      const key = '@' + m[1]!.toLowerCase();
      if (Object.hasOwn(obj, key)) throw malformed(`expected each attribute once in <${tag}>, found ${m[1]} twice at line ${line(lt)}`);
      setOwn(obj, key, decodeEntities(m[2] ?? m[3] ?? ''));
      i = ATTR.lastIndex;
    }
  }
}

/** A deep copy whose strings are new, not slices of the document (see remember). */
function detached(v: XmlValue): XmlValue {
  // A JSON round trip gives an exact, flat copy (lone surrogates too): one object, where (' ' + v).slice(1) left a
  // slice of a flattened rope, two objects to walk on every comparison with a cached entry's content.
  if (typeof v === 'string') return JSON.parse(JSON.stringify(v)) as string;
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
