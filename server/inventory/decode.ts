/**
 * Agent request bodies: zlib (RFC 1950, OCS default), raw deflate, gzip (RFC 1952) or plain.
 * The encoding is sniffed from the bytes, since agents mislabel it (OCS always sends application/x-compress).
 * Decompression stops at a hard output cap (zip bombs); the text must be valid UTF-8.
 */
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { VigieError } from '../../common/errors.js';

export type BodyEncoding = 'zlib' | 'deflate' | 'gzip' | 'plain';

const MIN_CHUNK = 16 * 1024;
const MAX_CHUNK = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface DecodedBody {
  text: string;
  encoding: BodyEncoding;
  inflatedBytes: number;
}

function sniff(buf: Buffer): BodyEncoding {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
  // zlib header: CM=8, and (CMF*256 + FLG) % 31 == 0
  if (buf.length >= 2 && (buf[0]! & 0x0f) === 8 && ((buf[0]! << 8) | buf[1]!) % 31 === 0) return 'zlib';
  const first = firstNonSpace(buf);
  if (first === 0x3c /* < */ || first === 0x7b /* { */ || first === 0xef /* BOM */) return 'plain';
  return 'deflate';
}

function firstNonSpace(buf: Buffer): number | undefined {
  for (let i = 0; i < Math.min(buf.length, 64); i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  }
  return undefined;
}

export function decodeBody(buf: Buffer, maxInflatedBytes: number): DecodedBody {
  const { parts, encoding, inflatedBytes } = decodeBodyParts(buf, maxInflatedBytes, Infinity);
  return { text: parts[0]!, encoding, inflatedBytes };
}

export interface DecodedParts {
  /** The text in parts whose concatenation is the whole text; every part but the first starts with "<". */
  parts: string[];
  encoding: BodyEncoding;
  inflatedBytes: number;
}

/** Parts of about this many bytes: each string stays below V8's large-object size (128 KiB) even when two-byte. */
export const PART_BYTES = 48 * 1024;

/** How far past `partBytes` a part may run to end before a preferred cut (below: still under 128 KiB two-byte). */
const PREFERRED_CUT_SLACK = 12 * 1024;

/**
 * decodeBody, with the text cut into parts before a "<" every `partBytes` or so (xml.ts parseXml reads them in
 * order). A string above 128 KiB is a V8 large object: a 364 KB inventory as one string cost 0.4–1.4 ms to allocate and
 * collect, as parts ~0.06 ms. Same checks as one text: "<" is ASCII, so no UTF-8 sequence spans two parts, and the
 * whole is valid UTF-8 exactly when every part is; a BOM can only start the first part.
 *
 * @param cutBefore a marker that starts an element worth keeping whole, e.g. "<SOFTWARES>": a part ends before the
 *   first one within PREFERRED_CUT_SLACK past `partBytes`, else before the first "<". With the reuse cache, an element
 *   cut in two makes xml.ts join the next part to this one's end (a copy of ~50 KB); OCS and FusionInventory put a
 *   package per such element, so cutting between them avoids most joins. Any cut is correct; this one is cheaper.
 */
export function decodeBodyParts(buf: Buffer, maxInflatedBytes: number, partBytes = PART_BYTES, cutBefore?: Buffer): DecodedParts {
  if (buf.length === 0) throw new VigieError('INVENTORY_MALFORMED', 'request rejected: expected a body, found an empty one');
  const encoding = sniff(buf);
  let raw: Buffer;
  try {
    // One output chunk sized to the body (agent XML inflates ~8×, hence 16×) rather than zlib's 16 KiB ones joined
    // at the end: 0.2 ms of the 0.7 ms inflate of a 364 KB inventory. Capped, and small for small messages.
    const opts = { maxOutputLength: maxInflatedBytes, chunkSize: Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, buf.length * 16)) };
    raw = encoding === 'zlib' ? inflateSync(buf, opts) : encoding === 'gzip' ? gunzipSync(buf, opts) : encoding === 'deflate' ? inflateRawSync(buf, opts) : buf;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|buffer.*too large/i.test(err.message)) {
      throw new VigieError('INVENTORY_TOO_LARGE', `body rejected: expected at most ${maxInflatedBytes} bytes once decompressed (${encoding}), found more`);
    }
    throw new VigieError('INVENTORY_BAD_ENCODING', `body rejected: expected ${encoding === 'deflate' ? 'zlib, gzip, raw deflate or plain XML/JSON' : `a complete ${encoding} stream`}, found ${err.code === 'Z_BUF_ERROR' ? 'a truncated stream' : `undecodable bytes (${err.message})`}`);
  }
  if (encoding === 'plain' && raw.length > maxInflatedBytes) {
    throw new VigieError('INVENTORY_TOO_LARGE', `body rejected: expected at most ${maxInflatedBytes} bytes, found ${raw.length}`);
  }
  const parts: string[] = [];
  try {
    let start = 0;
    while (raw.length - start > partBytes) {
      let cut = cutBefore ? raw.indexOf(cutBefore, start + partBytes) : -1;
      if (cut === -1 || cut > start + partBytes + PREFERRED_CUT_SLACK) cut = raw.indexOf(0x3c /* < */, start + partBytes);
      if (cut === -1) break;
      parts.push(utf8.decode(raw.subarray(start, cut)));
      start = cut;
    }
    parts.push(utf8.decode(start === 0 ? raw : raw.subarray(start)));
  } catch {
    throw new VigieError('INVENTORY_BAD_ENCODING', `body rejected: expected UTF-8 text after ${encoding} decoding, found invalid byte sequences`);
  }
  // TextDecoder drops one BOM; a second one (agents that add their own) goes too.
  if (parts[0]!.charCodeAt(0) === 0xfeff) parts[0] = parts[0]!.slice(1);
  return { parts, encoding, inflatedBytes: raw.length };
}

/** Encodes a reply the way the request came: agents that sent plain text cannot read compressed replies. */
export function encodeReply(text: string, encoding: BodyEncoding): Buffer {
  const buf = Buffer.from(text, 'utf8');
  switch (encoding) {
    case 'plain':
      return buf;
    case 'gzip':
      return gzipSync(buf);
    case 'deflate':
      return deflateRawSync(buf);
    default:
      return deflateSync(buf);
  }
}
