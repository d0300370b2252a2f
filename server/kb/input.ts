/**
 * Raw inputs of the KB: a file (plain or gzip, RFC 1952) or fetched body, decompressed as a stream so a year
 * feed never sits in memory as one string. Also the streaming splitter for the big JSON arrays of NVD feeds
 * (`vulnerabilities[]`, `CVE_Items[]`): elements are cut out by a small scanner and parsed one at a time.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { RawInput } from './types.js';

export const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

async function* byteChunks(body: Buffer): AsyncIterable<Buffer> {
  if (!isGzip(body)) {
    for (let i = 0; i < body.length; i += 1 << 20) yield body.subarray(i, i + (1 << 20));
    return;
  }
  const gunzip = Readable.from([body]).pipe(createGunzip({ chunkSize: 1 << 18 }));
  for await (const c of gunzip) yield c as Buffer;
}

async function* textChunks(body: Buffer): AsyncIterable<string> {
  const dec = new StringDecoder('utf8');
  for await (const c of byteChunks(body)) yield dec.write(c);
  const rest = dec.end();
  if (rest) yield rest;
}

async function* splitLines(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let carry = '';
  for await (const c of chunks) {
    const parts = (carry + c).split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  if (carry) yield carry;
}

/** The first `max` bytes, decompressed: a truncated gzip prefix inflated with Z_SYNC_FLUSH gives its bytes without error. */
function headOf(body: Buffer, max = 65536): string {
  if (!isGzip(body)) return body.subarray(0, max).toString('utf8');
  try {
    return gunzipSync(body.subarray(0, 32768), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, max).toString('utf8');
  } catch {
    return '';
  }
}

export interface LoadedInput extends RawInput {
  /** sha256 of the uncompressed bytes (file.json and file.json.gz are one input). */
  sha256(): Promise<string>;
  bytes: number;
  /** What goes into kb_raw.payload: the gzip as given, or the plain bytes gzipped. */
  payload(): Buffer;
}

export function rawInput(name: string, body: Buffer): LoadedInput {
  let uncompressed = isGzip(body) ? -1 : body.length;
  const input: LoadedInput = {
    name,
    head: headOf(body),
    bytes: uncompressed,
    chunks: () => textChunks(body),
    lines: () => splitLines(textChunks(body)),
    async json() {
      let s = '';
      for await (const c of textChunks(body)) s += c;
      return JSON.parse(s) as unknown;
    },
    async sha256() {
      const h = createHash('sha256');
      let n = 0;
      for await (const c of byteChunks(body)) {
        h.update(c);
        n += c.length;
      }
      uncompressed = n;
      input.bytes = n;
      return h.digest('hex');
    },
    payload: () => (isGzip(body) ? body : gzipSync(body, { level: 4 })),
  };
  return input;
}

/**
 * Yields the elements of the first array found under `key` (at any depth ≤ 2), each parsed on its own, so
 * memory holds one element at a time. Whitespace-insensitive; strings and escapes are tracked so brackets
 * inside descriptions do not count.
 */
export async function* streamJsonArray(chunks: AsyncIterable<string>, key: string): AsyncIterable<unknown> {
  const needle = `"${key}"`;
  let state: 'seek' | 'colon' | 'open' | 'items' | 'done' = 'seek';
  let buf = ''; // unconsumed text while seeking; current element text while inside the array
  let depth = 0;
  let inStr = false;
  let esc = false;
  let start = -1;
  for await (const chunk of chunks) {
    if (state === 'done') continue; // drain the stream so the gunzip pipe ends cleanly
    const text = buf + chunk;
    buf = '';
    let i = 0;
    let nextBs = -2; // -2: not searched yet in this text; -1: none left
    if (state === 'seek') {
      // The array key sits before any element; scan for it literally (NVD writes no string equal to it earlier).
      const at = text.indexOf(needle);
      if (at < 0) {
        buf = text.slice(-needle.length);
        continue;
      }
      i = at + needle.length;
      state = 'colon';
    }
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (state === 'colon' || state === 'open') {
        if (ch === 58 /* : */ && state === 'colon') state = 'open';
        else if (ch === 91 /* [ */ && state === 'open') {
          state = 'items';
          depth = 0;
        } else if (ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9) throw new Error(`expected "${key}": [ … ], found ${JSON.stringify(text.slice(i, i + 20))}`);
        continue;
      }
      if (state !== 'items') break;
      if (inStr) {
        // Jump to the next quote or backslash instead of walking every character of long descriptions.
        if (esc) {
          esc = false;
          continue;
        }
        const q = text.indexOf('"', i);
        // The next backslash is remembered: searching for it from every string would rescan the chunk each time.
        if (nextBs === -2 || (nextBs !== -1 && nextBs < i)) nextBs = text.indexOf('\\', i);
        const bs = nextBs;
        if (q < 0 && bs < 0) break; // the string goes on in the next chunk
        if (bs >= 0 && (q < 0 || bs < q)) {
          i = bs;
          esc = true;
        } else {
          i = q;
          inStr = false;
        }
        continue;
      }
      if (ch === 34 /* " */) {
        inStr = true;
        if (depth === 0 && start < 0) start = i;
      } else if (ch === 123 || ch === 91 /* { [ */) {
        if (depth === 0) start = i;
        depth++;
      } else if (ch === 125 || ch === 93 /* } ] */) {
        if (depth === 0 && ch === 93) {
          state = 'done';
          break;
        }
        depth--;
        if (depth === 0 && start >= 0) {
          yield JSON.parse(text.slice(start, i + 1)) as unknown;
          start = -1;
        }
      }
    }
    if (state === 'items' && start >= 0) {
      // Keep the unfinished element and scan it again from its start with the next chunk (elements are small
      // next to the 256 KiB chunks, so the rescan costs little and the scanner needs no resumable state).
      buf = text.slice(start);
      depth = 0;
      inStr = false;
      esc = false;
      start = -1;
    }
  }
  if (state === 'seek' || state === 'colon' || state === 'open') throw new Error(`expected an array under "${key}", found none`);
}

/**
 * The JSON documents of an input that holds either one document (a file, an API response), a JSON array of
 * them, or JSON-lines (one per line, as in ../shared/data). Yields `{ ref, value }` or `{ ref, error }` per
 * line so one broken line is a counted problem, not a failed import.
 */
export async function* jsonDocuments(raw: RawInput): AsyncIterable<{ ref: string; value?: unknown; error?: string }> {
  const firstLine = raw.head.split('\n', 1)[0]!.trim();
  let lines = false;
  if (firstLine.startsWith('{') && raw.head.includes('\n')) {
    try {
      JSON.parse(firstLine);
      lines = true;
    } catch {
      lines = false;
    }
  }
  if (lines) {
    let n = 0;
    for await (const line of raw.lines()) {
      n++;
      if (!line.trim()) continue;
      try {
        yield { ref: `${raw.name}:${n}`, value: JSON.parse(line) as unknown };
      } catch (e) {
        yield { ref: `${raw.name}:${n}`, error: `expected one JSON document per line, found invalid JSON (${(e as Error).message})` };
      }
    }
    return;
  }
  let doc: unknown;
  try {
    doc = await raw.json();
  } catch (e) {
    yield { ref: raw.name, error: `expected a JSON document, found invalid JSON (${(e as Error).message})` };
    return;
  }
  if (Array.isArray(doc)) {
    let n = 0;
    for (const v of doc) yield { ref: `${raw.name}[${n++}]`, value: v as unknown };
  } else yield { ref: raw.name, value: doc };
}
