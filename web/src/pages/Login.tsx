/** Login: user name and password; errors (wrong password, rate limit) announced to screen readers. */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useAuth } from '../auth.js';
import { useI18n, type Lang } from '../i18n/index.js';

export function LoginPage() {
  const { login } = useAuth();
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(t('login.rateLimited'));
      else if (err instanceof ApiError && err.status === 401) setError(t('login.invalid'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login-page">
      <form className="login card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Vigie</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <label htmlFor="username">{t('login.username')}</label>
        <input id="username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        <label htmlFor="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
        <label className="lang-inline">
          {t('nav.language')}{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
      </form>
    </main>
  );
}
