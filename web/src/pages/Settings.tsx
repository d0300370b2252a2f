/**
 * Settings: API tokens, users, audit log (admin), alert channels (with "send a test"), knowledge-base sources
 * (when the KB API is there), and this browser's language and time zone.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { AlertChannelsListReply, AlertChannelTestReply } from '../../../common/api/alerts.js';
import type { AuditListReply, Role, TokenCreateReply, TokensListReply, User, UsersListReply } from '../../../common/api/auth.js';
import { api, qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { useAuth } from '../auth.js';
import { KbSources } from '../components/KbSources.js';
import { ErrorBox, Loading, NotAvailable, Pager, TabPanel, Tabs, text } from '../components/ui.js';
import { useI18n, type Lang, type MessageKey } from '../i18n/index.js';

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

function AdminOnly() {
  const { t } = useI18n();
  return <p className="muted">{t('settings.adminOnly')}</p>;
}

function useAction() {
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>, invalidate: string[]) => {
    setError(null);
    try {
      await fn();
      for (const k of invalidate) await qc.invalidateQueries({ queryKey: [k] });
    } catch (e) {
      setError(e);
    }
  };
  return { error, run };
}

function TokensSection() {
  const { t, fmtDate } = useI18n();
  const q = useApi<Infer<typeof TokensListReply>>('/tokens');
  const { error, run } = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      const r = await api<Infer<typeof TokenCreateReply>>('/tokens', { method: 'POST', body: { name: String(data.get('name')), role: String(data.get('role')) } });
      setCreated(r.token);
      form.reset();
    }, ['/tokens']);
  };
  return (
    <>
      <form className="filters" onSubmit={create} aria-label={t('tokens.create')}>
        <label>
          {t('tokens.name')}
          <input name="name" required maxLength={100} />
        </label>
        <label>
          {t('users.role')}
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('tokens.create')}
        </button>
      </form>
      {created ? (
        <div className="notice" role="status">
          <p>{t('tokens.createdOnce')}</p>
          <code data-testid="new-token">{created}</code>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {q.isPending ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t('settings.tab.tokens')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.prefix')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('tokens.created')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('tokens.state')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((tk) => (
                <tr key={tk.id}>
                  <td>{tk.name}</td>
                  <td>
                    <code>{tk.prefix}…</code>
                  </td>
                  <td>{t(`role.${tk.role}`)}</td>
                  <td>{fmtDate(tk.createdAt)}</td>
                  <td>{fmtDate(tk.lastUsedAt)}</td>
                  <td>{tk.revokedAt ? t('tokens.revokedAt', { at: fmtDate(tk.revokedAt) }) : t('tokens.active')}</td>
                  <td>
                    {!tk.revokedAt ? (
                      <button type="button" onClick={() => window.confirm(t('tokens.confirmRevoke', { name: tk.name })) && void run(() => api(`/tokens/${tk.id}`, { method: 'DELETE' }), ['/tokens'])}>
                        {t('tokens.revoke')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function UserRow({ u, run }: { u: User; run: ReturnType<typeof useAction>['run'] }) {
  const { t, fmtDate } = useI18n();
  const { me } = useAuth();
  const self = me?.kind === 'session' && me.id === u.id;
  return (
    <tr>
      <td>{u.username}</td>
      <td>
        <select
          aria-label={t('users.roleOf', { name: u.username })}
          value={u.role}
          disabled={self}
          onChange={(e) => void run(() => api(`/users/${u.id}`, { method: 'PATCH', body: { role: e.target.value } }), ['/users'])}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>{u.disabled ? t('users.disabled') : t('users.enabled')}</td>
      <td>{fmtDate(u.lastLoginAt)}</td>
      <td>
        {!self ? (
          <button type="button" onClick={() => void run(() => api(`/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } }), ['/users'])}>
            {u.disabled ? t('users.enable') : t('users.disable')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function UsersSection() {
  const { t } = useI18n();
  const q = useApi<Infer<typeof UsersListReply>>('/users');
  const { error, run } = useAction();
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await api('/users', { method: 'POST', body: { username: String(data.get('username')), password: String(data.get('password')), role: String(data.get('role')) } });
      form.reset();
    }, ['/users']);
  };
  return (
    <>
      <form className="filters" onSubmit={create} aria-label={t('users.create')}>
        <label>
          {t('login.username')}
          <input name="username" required autoComplete="off" />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <label>
          {t('users.role')}
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('users.create')}
        </button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {q.isPending ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t('settings.tab.users')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('login.username')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('tokens.state')}</th>
                <th scope="col">{t('users.lastLogin')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((u) => (
                <UserRow key={u.id} u={u} run={run} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function AuditSection() {
  const { t, fmtDate } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const q = useApi<Infer<typeof AuditListReply>>(`/audit${qs({ limit: 50, cursor: cursors[cursors.length - 1] })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">{t('settings.tab.audit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.details')}</th>
              <th scope="col">{t('receipts.from')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((e) => (
              <tr key={e.id}>
                <td>{fmtDate(e.at)}</td>
                <td>
                  {e.actor} <span className="muted">({e.actorKind})</span>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target ?? '—'}</td>
                <td>{text(e.details)}</td>
                <td>{e.remoteAddress ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        hasPrev={cursors.length > 0}
        hasNext={Boolean(q.data.nextCursor)}
        onFirst={() => setCursors([])}
        onPrev={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => q.data.nextCursor && setCursors((c) => [...c, q.data.nextCursor!])}
      />
    </>
  );
}

function AlertsSection() {
  const { t } = useI18n();
  const { can } = useAuth();
  const available = useProbe('/alerts/channels');
  const q = useApi<Infer<typeof AlertChannelsListReply>>(available === 'yes' ? '/alerts/channels' : null);
  const [result, setResult] = useState<Record<string, string>>({});
  if (available === 'no') return <NotAvailable feature={t('settings.tab.alerts')} />;
  if (available === 'unknown' || q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <p className="muted">{t('alerts.none')}</p>;
  const test = async (name: string) => {
    setResult((r) => ({ ...r, [name]: t('common.loading') }));
    try {
      const r = await api<Infer<typeof AlertChannelTestReply>>(`/alerts/channels/${encodeURIComponent(name)}/test`, { method: 'POST' });
      setResult((x) => ({ ...x, [name]: `${r.outcome}${r.error ? `: ${r.error}` : ''}` }));
    } catch (e) {
      setResult((x) => ({ ...x, [name]: e instanceof Error ? e.message : String(e) }));
    }
  };
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{t('settings.tab.alerts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tokens.name')}</th>
            <th scope="col">{t('alerts.type')}</th>
            <th scope="col">{t('alerts.target')}</th>
            <th scope="col">{t('alerts.rules')}</th>
            <th scope="col">{t('alerts.digest')}</th>
            <th scope="col">{t('alerts.test')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.type}</td>
              <td>{c.target}</td>
              <td>{c.rules.join(', ') || '—'}</td>
              <td>{c.digest ? '✓' : '—'}</td>
              <td>
                {can('analyst') ? (
                  <button type="button" onClick={() => void test(c.name)}>
                    {t('alerts.sendTest')}
                  </button>
                ) : null}{' '}
                <span role="status">{result[c.name] ?? ''}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PreferencesSection() {
  const { t, lang, setLang, timeZone } = useI18n();
  const { me } = useAuth();
  return (
    <dl className="kv">
      <div className="kv-row">
        <dt>{t('settings.signedInAs')}</dt>
        <dd>
          {me?.name} ({me ? t(`role.${me.role}`) : ''})
        </dd>
      </div>
      <div className="kv-row">
        <dt>
          <label htmlFor="pref-lang">{t('nav.language')}</label>
        </dt>
        <dd>
          <select id="pref-lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </dd>
      </div>
      <div className="kv-row">
        <dt>{t('settings.timeZone')}</dt>
        <dd>{timeZone}</dd>
      </div>
    </dl>
  );
}

const TABS = ['tokens', 'users', 'audit', 'alerts', 'kb', 'preferences'] as const;

export function SettingsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as (typeof TABS)[number]) : can('admin') ? 'tokens' : 'preferences';
  const admin = can('admin');
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <Tabs label={t('settings.title')} current={tab} onChange={(id) => setParams({ tab: id }, { replace: true })} tabs={TABS.map((id) => ({ id, label: t(`settings.tab.${id}` as MessageKey) }))} />
      <TabPanel id={tab}>
        {tab === 'tokens' ? admin ? <TokensSection /> : <AdminOnly /> : null}
        {tab === 'users' ? admin ? <UsersSection /> : <AdminOnly /> : null}
        {tab === 'audit' ? admin ? <AuditSection /> : <AdminOnly /> : null}
        {tab === 'alerts' ? <AlertsSection /> : null}
        {tab === 'kb' ? <KbSources /> : null}
        {tab === 'preferences' ? <PreferencesSection /> : null}
      </TabPanel>
    </section>
  );
}
