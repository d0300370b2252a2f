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

type ChannelItem = Infer<typeof AlertChannelsListReply>['items'][number];
type ChannelType = ChannelItem['type'];
const CHANNEL_TYPES: ChannelType[] = ['email', 'webhook', 'syslog'];
const list = (v: FormDataEntryValue | null) => String(v ?? '').split(/[\s,;]+/).filter(Boolean);
const str = (v: FormDataEntryValue | null) => String(v ?? '').trim();

/** The channel settings typed into the form, as vigie.yaml would hold them; empty secrets are left out (kept). */
function channelConfigFrom(type: ChannelType, d: FormData, editing: ChannelItem | null): Record<string, unknown> {
  const secret = (field: string) => {
    const v = str(d.get(field));
    if (v) return { [field]: v };
    if (editing && d.get(`clear-${field}`) === 'on') return { [field]: null };
    return {};
  };
  const port = str(d.get('port'));
  const common = { type, ...(port ? { port: Number(port) } : {}) };
  if (type === 'email') {
    const user = str(d.get('user'));
    return { ...common, host: str(d.get('host')), security: str(d.get('security')), from: str(d.get('from')), to: list(d.get('to')), cc: list(d.get('cc')), user: user || (editing ? null : undefined), ...secret('password') };
  }
  if (type === 'webhook') return { type, format: str(d.get('format')), ...secret('url'), ...secret('secret') };
  return { ...common, host: str(d.get('host')), transport: str(d.get('transport')), format: str(d.get('format')) };
}

function SecretInput({ field, label, editing, type = 'password' }: { field: string; label: string; editing: ChannelItem | null; type?: string }) {
  const { t } = useI18n();
  const set = editing?.secretsSet?.includes(field) ?? false;
  return (
    <>
      <label>
        {label}
        <input name={field} type={type} autoComplete="new-password" placeholder={set ? t('alerts.secretKeep') : ''} required={field === 'url' && !set} />
      </label>
      {set ? (
        <label className="inline">
          <input type="checkbox" name={`clear-${field}`} /> {t('alerts.clearSecret', { field: label })}
        </label>
      ) : null}
    </>
  );
}

function ChannelForm({ editing, ruleIds, done }: { editing: ChannelItem | null; ruleIds: string[]; done(): void }) {
  const { t } = useI18n();
  const { error, run } = useAction();
  const [type, setType] = useState<ChannelType>(editing?.type ?? 'email');
  const s = (editing?.settings ?? {}) as Record<string, unknown>;
  const v = (k: string) => (s[k] === undefined || s[k] === null ? '' : Array.isArray(s[k]) ? (s[k] as unknown[]).join(', ') : String(s[k]));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const config = channelConfigFrom(type, d, editing);
    const rules = ruleIds.filter((r) => d.get(`rule-${r}`) === 'on');
    const digest = d.get('digest') === 'on';
    void run(async () => {
      if (editing) await api(`/alerts/channels/${encodeURIComponent(editing.name)}`, { method: 'PATCH', body: { config, rules, digest } });
      else {
        await api('/alerts/channels', { method: 'POST', body: { name: str(d.get('name')), config, rules, digest } });
        form.reset();
      }
      done();
    }, ['/alerts/channels']);
  };
  return (
    <form className="filters channel-form" onSubmit={submit} aria-label={editing ? t('alerts.editNamed', { name: editing.name }) : t('alerts.add')} key={editing?.name ?? 'new'}>
      <label>
        {t('tokens.name')}
        <input name="name" required pattern="[a-z0-9][a-z0-9\-]{0,62}" defaultValue={editing?.name ?? ''} readOnly={Boolean(editing)} title={t('alerts.nameHint')} />
      </label>
      <label>
        {t('alerts.type')}
        <select value={type} onChange={(e) => setType(e.target.value as ChannelType)} disabled={Boolean(editing)}>
          {CHANNEL_TYPES.map((c) => (
            <option key={c} value={c}>
              {t(`alerts.type.${c}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {type === 'email' ? (
        <>
          <label>
            {t('alerts.host')}
            <input name="host" required defaultValue={v('host')} />
          </label>
          <label>
            {t('alerts.port')}
            <input name="port" type="number" min={1} max={65535} defaultValue={v('port') || '587'} />
          </label>
          <label>
            {t('alerts.security')}
            <select name="security" defaultValue={v('security') || 'starttls'}>
              <option value="starttls">STARTTLS</option>
              <option value="tls">TLS</option>
              <option value="none">{t('alerts.securityNone')}</option>
            </select>
          </label>
          <label>
            {t('alerts.from')}
            <input name="from" type="email" required defaultValue={v('from')} />
          </label>
          <label>
            {t('alerts.to')}
            <input name="to" required size={32} defaultValue={v('to')} />
          </label>
          <label>
            {t('alerts.cc')}
            <input name="cc" size={24} defaultValue={v('cc')} />
          </label>
          <label>
            {t('alerts.user')}
            <input name="user" autoComplete="off" defaultValue={v('user')} />
          </label>
          <SecretInput field="password" label={t('alerts.password')} editing={editing} />
        </>
      ) : null}
      {type === 'webhook' ? (
        <>
          <SecretInput field="url" label={t('alerts.url')} editing={editing} type="url" />
          <label>
            {t('alerts.format')}
            <select name="format" defaultValue={v('format') || 'generic'}>
              {['generic', 'slack', 'teams', 'mattermost'].map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <SecretInput field="secret" label={t('alerts.secret')} editing={editing} />
        </>
      ) : null}
      {type === 'syslog' ? (
        <>
          <label>
            {t('alerts.host')}
            <input name="host" required defaultValue={v('host')} />
          </label>
          <label>
            {t('alerts.port')}
            <input name="port" type="number" min={1} max={65535} defaultValue={v('port') || '514'} />
          </label>
          <label>
            {t('alerts.transport')}
            <select name="transport" defaultValue={v('transport') || 'udp'}>
              <option value="udp">UDP</option>
              <option value="tcp">TCP</option>
              <option value="tls">TLS</option>
            </select>
          </label>
          <label>
            {t('alerts.format')}
            <select name="format" defaultValue={v('format') || 'rfc5424'}>
              <option value="rfc5424">RFC 5424</option>
              <option value="cef">CEF</option>
            </select>
          </label>
        </>
      ) : null}
      <fieldset className="subscriptions">
        <legend>{t('alerts.subscriptions')}</legend>
        <label className="inline">
          <input type="checkbox" name="digest" defaultChecked={editing?.digest ?? false} /> {t('alerts.digest')}
        </label>
        {ruleIds.map((r) => (
          <label className="inline" key={r}>
            <input type="checkbox" name={`rule-${r}`} defaultChecked={editing?.rules.includes(r) ?? false} /> {t('alerts.ruleNamed', { rule: r })}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary">
        {editing ? t('alerts.save') : t('alerts.add')}
      </button>
      {editing ? (
        <button type="button" onClick={done}>
          {t('alerts.cancel')}
        </button>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

function AlertsSection() {
  const { t } = useI18n();
  const { can } = useAuth();
  const admin = can('admin');
  const available = useProbe('/alerts/channels');
  const q = useApi<Infer<typeof AlertChannelsListReply>>(available === 'yes' ? '/alerts/channels' : null);
  const { error, run } = useAction();
  const [editing, setEditing] = useState<ChannelItem | null>(null);
  const [result, setResult] = useState<Record<string, { ok: boolean; text: string }>>({});
  if (available === 'no') return <NotAvailable feature={t('settings.tab.alerts')} />;
  if (available === 'unknown' || q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const test = async (name: string) => {
    setResult((r) => ({ ...r, [name]: { ok: true, text: t('alerts.sending') } }));
    try {
      const r = await api<Infer<typeof AlertChannelTestReply>>(`/alerts/channels/${encodeURIComponent(name)}/test`, { method: 'POST' });
      const text = `${t(`alerts.outcome.${r.outcome}` as MessageKey)}${r.error ? `: ${r.error}` : ''}`;
      setResult((x) => ({ ...x, [name]: { ok: r.outcome === 'acknowledged', text } }));
    } catch (e) {
      setResult((x) => ({ ...x, [name]: { ok: false, text: e instanceof Error ? e.message : String(e) } }));
    }
  };
  const remove = (c: ChannelItem) => window.confirm(t('alerts.confirmDelete', { name: c.name })) && void run(() => api(`/alerts/channels/${encodeURIComponent(c.name)}`, { method: 'DELETE' }), ['/alerts/channels']);
  return (
    <>
      {q.data.items.length ? (
        <div className="table-wrap">
          <table data-testid="alert-channels">
            <caption className="sr-only">{t('settings.tab.alerts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('alerts.type')}</th>
                <th scope="col">{t('alerts.target')}</th>
                <th scope="col">{t('alerts.source')}</th>
                <th scope="col">{t('alerts.secrets')}</th>
                <th scope="col">{t('alerts.rules')}</th>
                <th scope="col">{t('alerts.digest')}</th>
                <th scope="col">{t('alerts.test')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((c) => (
                <tr key={c.name}>
                  <td className="nowrap">{c.name}</td>
                  <td className="nowrap">{t(`alerts.type.${c.type}` as MessageKey)}</td>
                  <td>{c.target}</td>
                  <td>{c.source === 'database' ? t('alerts.sourceDatabase') : <span className="muted">{t('alerts.sourceConfig')}</span>}</td>
                  <td>{c.source === 'database' ? (c.secretsSet?.length ? c.secretsSet.map((f) => t('alerts.secretSet', { field: f })).join(', ') : '—') : <span className="muted">vigie.yaml</span>}</td>
                  <td>{c.rules.join(', ') || '—'}</td>
                  <td>{c.digest ? <span aria-label={t('common.yes')}>✓</span> : '—'}</td>
                  <td>
                    {can('analyst') ? (
                      <button type="button" onClick={() => void test(c.name)} aria-label={t('alerts.sendTestTo', { name: c.name })}>
                        {t('alerts.sendTest')}
                      </button>
                    ) : null}{' '}
                    <span role="status" data-testid={`test-result-${c.name}`} className={result[c.name] ? (result[c.name]!.ok ? 'ok' : 'failed') : undefined}>
                      {result[c.name]?.text ?? ''}
                    </span>
                  </td>
                  <td>
                    {admin && c.source === 'database' ? (
                      <>
                        <button type="button" onClick={() => setEditing(c)} aria-label={t('alerts.editNamed', { name: c.name })}>
                          {t('alerts.edit')}
                        </button>{' '}
                        <button type="button" onClick={() => remove(c)} aria-label={t('alerts.deleteNamed', { name: c.name })}>
                          {t('alerts.delete')}
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('alerts.noneYet')}</p>
      )}
      {error ? <ErrorBox error={error} /> : null}
      {admin ? (
        <>
          <h2>{editing ? t('alerts.editNamed', { name: editing.name }) : t('alerts.add')}</h2>
          <p className="muted">{t('alerts.secretsNote')}</p>
          <ChannelForm key={editing?.name ?? 'new'} editing={editing} ruleIds={q.data.ruleIds} done={() => setEditing(null)} />
        </>
      ) : null}
    </>
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
