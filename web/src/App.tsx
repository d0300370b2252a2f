/** Routes and the shell: skip link, header navigation, language switch, user menu; the login page when signed out. */
import { useEffect, useRef } from 'react';
import { createBrowserRouter, NavLink, Outlet, RouterProvider, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth.js';
import { useI18n, type Lang } from './i18n/index.js';
import { AssetPage } from './pages/Asset.js';
import { AssetsPage } from './pages/Assets.js';
import { DashboardPage } from './pages/Dashboard.js';
import { LoginPage } from './pages/Login.js';
import { NetworkPage } from './pages/Network.js';
import { NotFoundPage } from './pages/NotFound.js';
import { SettingsPage } from './pages/Settings.js';
import { SoftwarePage } from './pages/Software.js';
import { VulnerabilitiesPage, VulnerabilityPage } from './pages/Vulnerabilities.js';
import { Loading } from './components/ui.js';

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
        <Outlet />
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
