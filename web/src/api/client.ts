/**
 * The API client: same-origin fetch with the session cookie; state-changing requests echo the CSRF cookie in
 * X-CSRF-Token (double submit). Types come from the zod schemas in common/api (type-only imports: no zod in
 * the bundle). A 401 tells the app to show the login page.
 */
import type { z } from 'zod';
import { takePrefetched } from './prefetch.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Infer<T extends z.ZodType> = z.infer<T>;

export function csrfToken(): string | null {
  const m = /(?:^|;\s*)vigie_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : null;
}

export const UNAUTHORIZED_EVENT = 'vigie:unauthorized';

export async function api<T>(path: string, init: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const t = csrfToken();
    if (t) headers['x-csrf-token'] = t;
  }
  // A GET the entry already started (prefetch.ts) is taken in flight rather than asked again.
  const early = method === 'GET' ? takePrefetched(path) : undefined;
  const res = await (early ??
    fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    }));
  if (!res.ok) {
    let code = 'HTTP_' + res.status;
    let message = res.statusText;
    try {
      const e = (await res.json()) as { error?: { code?: string; message?: string } };
      code = e.error?.code ?? code;
      message = e.error?.message ?? message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && !path.startsWith('/auth/login')) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(res.status, code, message);
  }
  return (await res.json()) as T;
}

/** Query string from an object, skipping empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A route that is not in this server yet answers 404 "no route": the UI shows "not available yet". */
export const isMissingRoute = (e: unknown) => e instanceof ApiError && e.status === 404 && /^no route /.test(e.message);
