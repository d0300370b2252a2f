/**
 * Entry, kept tiny: it runs as soon as it arrives and starts, in parallel, what the first screen needs — the
 * session (/auth/me), the current route's API calls and page chunk — then the app itself (React, router, shell:
 * root.tsx). So the data is on its way while the app's code downloads and parses, instead of after it.
 */
import { routeApiPaths } from './api/paths.js';
import { prefetch } from './api/prefetch.js';
import { pageForPath } from './pages/index.js';
import './styles.css';

prefetch('/auth/me');
for (const path of routeApiPaths(location.pathname, new URLSearchParams(location.search))) prefetch(path);
void pageForPath(location.pathname)?.();
void import('./root.js');
