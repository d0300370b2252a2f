/**
 * The API paths a page asks for on its first render, shared by the page and the entry's prefetch (main.tsx): the
 * same strings, so the early responses are the ones the page's queries take (react-query keys are these paths).
 */
import { qs } from './client.js';

export const DASHBOARD_PATHS = { stats: '/stats', findings: '/stats/findings?top=10', trends: '/stats/trends?days=30', kbSources: '/kb/sources' } as const;

export const ASSET_FILTERS = ['name', 'kind', 'os', 'status', 'tag'] as const;
export const ASSETS_DEFAULT_LIMIT = 50;

/** GET /assets for the table: filters and sort from the URL, page size and cursor from the table's state. */
export function assetsListPath(params: URLSearchParams, limit: number, cursor?: string): string {
  const filters = Object.fromEntries(ASSET_FILTERS.map((f) => [f, params.get(f) ?? '']));
  // The dashboard's "inventories in 24 h" links with seenSince (no form field: applying other filters drops it).
  return `/assets${qs({ ...filters, seenSince: params.get('seenSince') ?? undefined, sort: params.get('sort') ?? 'hostname', limit, cursor })}`;
}

/** What the first render of the page at this location fetches (besides /auth/me). */
export function routeApiPaths(pathname: string, search: URLSearchParams): string[] {
  if (pathname === '/') return Object.values(DASHBOARD_PATHS);
  if (pathname === '/assets') return [assetsListPath(search, ASSETS_DEFAULT_LIMIT)];
  return [];
}
