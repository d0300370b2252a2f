/**
 * Early GETs for the first screen: the entry (main.tsx) starts /auth/me and the current route's API calls before
 * the app's code is downloaded and parsed; api() then takes the response in flight instead of asking again. A
 * response is used once, only within PREFETCH_TTL_MS of the page load, and dropped on login or logout (a reply
 * fetched signed out must not stand for one fetched signed in).
 */
const PREFETCH_TTL_MS = 10_000;
const pending = new Map<string, { at: number; res: Promise<Response> }>();

export function prefetch(path: string): void {
  if (pending.has(path)) return;
  const res = fetch(`/api/v1${path}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  res.catch(() => undefined); // a network error surfaces when (if) the response is taken
  pending.set(path, { at: performance.now(), res });
}

/** The prefetched response for this GET path, at most once; undefined when none (or too old). */
export function takePrefetched(path: string): Promise<Response> | undefined {
  const p = pending.get(path);
  if (!p) return undefined;
  pending.delete(path);
  return performance.now() - p.at <= PREFETCH_TTL_MS ? p.res : undefined;
}

export function clearPrefetched(): void {
  pending.clear();
}
