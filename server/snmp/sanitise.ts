/**
 * SNMP replies are untrusted input: agents send binary junk, huge strings and control characters.
 * Every string that leaves the engine passes here (caps and control-character stripping).
 */

export const MAX_STRING = 1024;

/** Strips C0/C1 controls (keeps tab/newline as spaces), trims, caps the length. */
export function cleanText(s: string, max = MAX_STRING): string {
  // eslint-disable-next-line no-control-regex
  let out = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').replace(/[\t\r\n]+/g, ' ');
  out = out.replace(/ {2,}/g, ' ').trim();
  return out.length > max ? out.slice(0, max) : out;
}

/** Decodes OCTET STRING bytes: UTF-8 when valid, else Latin-1; trailing NULs dropped. */
export function decodeOctets(b: Buffer, max = MAX_STRING): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  const buf = b.subarray(0, Math.min(end, max * 4));
  const utf = buf.toString('utf8');
  const text = utf.includes('\ufffd') ? buf.toString('latin1') : utf;
  return cleanText(text, max);
}

/** True when the bytes are mostly not printable text (MAC addresses, binary serials). */
export function isBinary(b: Buffer): boolean {
  if (b.length === 0) return false;
  let bad = 0;
  for (const c of b) if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) bad++;
  return bad > 0 && !(bad === 1 && b[b.length - 1] === 0);
}

/** 6-byte MAC → `aa:bb:cc:dd:ee:ff`; anything else → null. */
export function macOf(b: Buffer | undefined): string | null {
  if (!b || b.length !== 6) return null;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
