/** Routes and the shell: skip link, header navigation, language switch, user menu; the login page when signed out. */
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType } from 'react';
import { createBrowserRouter, NavLink, Outlet, RouterProvider, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth.js';
import { useI18n, type Lang } from './i18n/index.js';
import { pages, type PageChunk } from './pages/index.js';
import { LoginPage } from './pages/Login.js';
import { NotFoundPage } from './pages/NotFound.js';
import { Loading } from './components/ui.js';

/**
 * One chunk per page (pages/index.ts): the first screen downloads and parses only its own page's code. A page
 * whose chunk has arrived renders at once; only the others go through React.lazy and Suspense, because a
 * Suspense fallback, once shown, holds the content back for up to 300 ms (React's reveal throttle).
 */
function lazyPage<M>(chunk: PageChunk<M>, pick: (m: M) => ComponentType): ComponentType {
  const Lazy = lazy(() => chunk().then((m) => ({ default: pick(m) })));
  return function Page() {
    // Chosen once per mount: switching component types later would remount the page and lose its state.
    const [Component] = useState<ComponentType>(() => (chunk.module ? pick(chunk.module) : Lazy));
    return <Component />;
  };
}

const DashboardPage = lazyPage(pages.dashboard, (m) => m.DashboardPage);
const AssetsPage = lazyPage(pages.assets, (m) => m.AssetsPage);
const AssetPage = lazyPage(pages.asset, (m) => m.AssetPage);
const SoftwarePage = lazyPage(pages.software, (m) => m.SoftwarePage);
const VulnerabilitiesPage = lazyPage(pages.vulnerabilities, (m) => m.VulnerabilitiesPage);
const VulnerabilityPage = lazyPage(pages.vulnerabilities, (m) => m.VulnerabilityPage);
const NetworkPage = lazyPage(pages.network, (m) => m.NetworkPage);
const SettingsPage = lazyPage(pages.settings, (m) => m.SettingsPage);

function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span className="sr-only">{t('nav.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('nav.language')} data-testid="lang-switch">
        <option value="en">English</option>
        <option value="fr">Français</option>
      </select>
    </label>
  );
}

function Shell() {
  const { me, loading, logout } = useAuth();
  const { t } = useI18n();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // Move focus to the content after navigation, for keyboard and screen-reader users.
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [location.pathname]);
  if (loading) return <Loading />;
  if (!me) return <LoginPage />;
  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <span className="brand" aria-hidden="true">
          Vigie
        </span>
        <nav aria-label={t('nav.main')}>
          <NavLink to="/" end>
            {t('nav.dashboard')}
          </NavLink>
          <NavLink to="/assets">{t('nav.assets')}</NavLink>
          <NavLink to="/software">{t('nav.software')}</NavLink>
          <NavLink to="/vulnerabilities">{t('nav.vulnerabilities')}</NavLink>
          <NavLink to="/network">{t('nav.network')}</NavLink>
          <NavLink to="/settings">{t('nav.settings')}</NavLink>
        </nav>
        <div className="spacer" />
        <LangSwitch />
        <span className="who" data-testid="who">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        <button type="button" className="link-button" onClick={() => void logout()}>
          {t('nav.logout')}
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

const router = createBrowserRouter([
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: 'assets', element: <AssetsPage /> },
      { path: 'assets/:id', element: <AssetPage /> },
      { path: 'software', element: <SoftwarePage /> },
      { path: 'vulnerabilities', element: <VulnerabilitiesPage /> },
      { path: 'vulnerabilities/:id', element: <VulnerabilityPage /> },
      { path: 'network', element: <NetworkPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return (
    <AuthProvider>
      <RouterProvider router={router} />
    </AuthProvider>
  );
}
