/**
 * The React root: react-query, i18n and the routes (App.tsx). Loaded by the entry (main.tsx) after its prefetches;
 * renders once the current route's page chunk (started by the entry too) has arrived, so that the first render
 * shows the page rather than a Suspense fallback.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { I18nProvider } from './i18n/index.js';
import { pageForPath, pages } from './pages/index.js';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 15_000 } } });

function render() {
  performance.mark('vigie:render'); // app code loaded and run, route chunk here: bench/ui.bench.ts reports it
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

// A chunk that fails to load is reported by the page's lazy fallback path, not here.
void (pageForPath(location.pathname)?.() ?? Promise.resolve()).catch(() => undefined).then(render);

// Once the first screen is up and the browser is idle, the other pages' chunks, so that moving between pages
// does not wait for a download.
const idle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 1000));
setTimeout(() => idle(() => Object.values(pages).forEach((load) => void load().catch(() => undefined))), 2000);
