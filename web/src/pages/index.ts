/**
 * Each page is its own chunk, loaded on demand (App.tsx renders them through lazyPage); the entry starts the
 * current route's chunk at once (main.tsx), beside the app's, instead of after the router has rendered. A chunk
 * is requested once, and `module` holds it once it has arrived, so the first render can use it synchronously.
 */
import { pageNameForPath } from './routes.js';

export interface PageChunk<M> {
  (): Promise<M>;
  module: M | undefined;
}

function chunk<M>(load: () => Promise<M>): PageChunk<M> {
  let pending: Promise<M> | undefined;
  const get = (() =>
    (pending ??= load().then(
      (m) => {
        get.module = m;
        return m;
      },
      (e: unknown) => {
        pending = undefined; // a failed download is tried again on the next visit
        throw e;
      },
    ))) as PageChunk<M>;
  get.module = undefined;
  return get;
}

export const pages = {
  dashboard: chunk(() => import('./Dashboard.js')),
  assets: chunk(() => import('./Assets.js')),
  asset: chunk(() => import('./Asset.js')),
  software: chunk(() => import('./Software.js')),
  vulnerabilities: chunk(() => import('./Vulnerabilities.js')),
  network: chunk(() => import('./Network.js')),
  settings: chunk(() => import('./Settings.js')),
};

/** The page chunk for a location, as the router in App.tsx maps it (null: not-found, rendered by the shell). */
export function pageForPath(pathname: string): (() => Promise<unknown>) | null {
  const name = pageNameForPath(pathname);
  return name ? pages[name] : null;
}
