/**
 * Which page chunk a location needs, as data: read by pages/index.ts (the entry starts that chunk) and by the
 * build (web/vite.config.ts writes dist/preload.json from it, so that the server names the chunk in index.html
 * and the browser fetches it with the app's code, ahead of the API calls). Mirrors the router in App.tsx.
 */
export const PAGE_ROUTES = [
  { page: 'dashboard', module: 'Dashboard', pattern: '^/$' },
  { page: 'assets', module: 'Assets', pattern: '^/assets$' },
  { page: 'asset', module: 'Asset', pattern: '^/assets/[^/]+$' },
  { page: 'software', module: 'Software', pattern: '^/software$' },
  { page: 'vulnerabilities', module: 'Vulnerabilities', pattern: '^/vulnerabilities(/[^/]+)?$' },
  { page: 'network', module: 'Network', pattern: '^/network$' },
  { page: 'settings', module: 'Settings', pattern: '^/settings$' },
] as const;

export type PageName = (typeof PAGE_ROUTES)[number]['page'];

/** The page for a path (trailing slashes ignored); null when none (the shell's not-found page). */
export function pageNameForPath(pathname: string): PageName | null {
  const p = pathname.replace(/\/+$/, '') || '/';
  return PAGE_ROUTES.find((r) => new RegExp(r.pattern).test(p))?.page ?? null;
}
