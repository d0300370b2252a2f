/** Keyset pagination: the cursor holds the last row's sort value and id, so pages stay stable under inserts. */
import { VigieError } from '../../../common/errors.js';

export interface Cursor {
  v: string | number | null;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id])).toString('base64url');
}

export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const [v, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof id !== 'number' || !(v === null || typeof v === 'string' || typeof v === 'number')) throw new Error('shape');
    return { v, id };
  } catch {
    throw new VigieError('API_BAD_REQUEST', `cursor: expected the nextCursor of a previous page, found ${JSON.stringify(s.slice(0, 40))}`);
  }
}

export function page<T extends { id: number }>(rows: T[], limit: number, sortValue: (r: T) => string | number | null) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor({ v: sortValue(last), id: last.id }) : null };
}
