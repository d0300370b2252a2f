/**
 * Network: devices inventoried over SNMP, scan jobs (launch, live progress, results) and credential sets
 * (secrets are write-only: the API never returns them). Lights up when the SNMP API (issue 3) answers.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { SnmpCredentialsListReply, SnmpDevicesListReply, SnmpScansListReply } from '../../../common/api/snmp.js';
import { api, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { useAuth } from '../auth.js';
import { ErrorBox, Loading, NotAvailable } from '../components/ui.js';
import { useI18n } from '../i18n/index.js';

type Devices = Infer<typeof SnmpDevicesListReply>;
type Scans = Infer<typeof SnmpScansListReply>;
type Credentials = Infer<typeof SnmpCredentialsListReply>;

function DevicesTable() {
  const { t, fmtDate } = useI18n();
  const q = useApi<Devices>('/snmp/devices?limit=1000');
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <p className="muted">{t('network.noDevices')}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="snmp-devices">
        <caption className="sr-only">{t('network.devices')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('assets.col.hostname')}</th>
            <th scope="col">{t('assets.col.kind')}</th>
            <th scope="col">{t('assets.col.vendor')}</th>
            <th scope="col">{t('assets.col.os')}</th>
            <th scope="col">{t('software.version')}</th>
            <th scope="col">{t('assets.col.serial')}</th>
            <th scope="col">{t('assets.col.ip')}</th>
            <th scope="col">{t('assets.col.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((d) => (
            <tr key={d.assetId}>
              <td>
                <Link to={`/assets/${d.assetId}`}>{d.hostname ?? d.ipAddress ?? `#${d.assetId}`}</Link>
              </td>
              <td>{d.kind}</td>
              <td>{[d.vendor, d.model].filter(Boolean).join(' ') || '—'}</td>
              <td>{d.os ?? '—'}</td>
              <td>{d.version ?? '—'}</td>
              <td>{d.serial ?? '—'}</td>
              <td>{d.ipAddress ?? '—'}</td>
              <td>{fmtDate(d.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScansSection() {
  const { t, fmtDate } = useI18n();
  const { can } = useAuth();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const q = useApi<Scans>('/snmp/scans?limit=20');
  const running = q.data?.items.some((s) => s.status === 'queued' || s.status === 'running');
  // Live progress while a scan runs.
  useApi<Scans>(running ? '/snmp/scans?limit=20' : null, { refetchInterval: 2000 });
  const launch = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const targets = String(data.get('targets') ?? '').split(/[\s,]+/).filter(Boolean);
    setError(null);
    try {
      await api('/snmp/scans', { method: 'POST', body: { targets, name: String(data.get('name') || 'on-demand') } });
      await qc.invalidateQueries({ queryKey: ['/snmp/scans?limit=20'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      {can('analyst') ? (
        <form className="filters" onSubmit={(e) => void launch(e)} aria-label={t('network.launch')}>
          <label>
            {t('network.targets')}
            <input name="targets" required placeholder="10.0.0.0/24, 192.0.2.10" size={40} />
          </label>
          <label>
            {t('tokens.name')}
            <input name="name" placeholder="on-demand" />
          </label>
          <button type="submit" className="primary">
            {t('network.launch')}
          </button>
        </form>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {q.isPending ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t('network.scans')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('network.targets')}</th>
                <th scope="col">{t('tokens.state')}</th>
                <th scope="col">{t('network.progress')}</th>
                <th scope="col" className="num">
                  {t('network.found')}
                </th>
                <th scope="col" className="num">
                  {t('network.stored')}
                </th>
                <th scope="col">{t('network.started')}</th>
                <th scope="col">{t('network.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>{s.targets.join(', ')}</td>
                  <td>{s.status}</td>
                  <td>
                    <progress max={Math.max(1, s.total)} value={s.scanned} aria-label={t('network.progress')} /> {s.scanned}/{s.total}
                  </td>
                  <td className="num">{s.found}</td>
                  <td className="num">{s.stored}</td>
                  <td>{fmtDate(s.startedAt ?? s.createdAt)}</td>
                  <td>{s.problems.length ? s.problems.join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function CredentialsSection() {
  const { t, fmtDate } = useI18n();
  const { can } = useAuth();
  const qc = useQueryClient();
  const [version, setVersion] = useState<'v2c' | 'v1' | 'v3'>('v2c');
  const [error, setError] = useState<unknown>(null);
  const q = useApi<Credentials>('/snmp/credentials');
  const refresh = () => qc.invalidateQueries({ queryKey: ['/snmp/credentials'] });
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const get = (k: string) => String(d.get(k) ?? '').trim() || undefined;
    const body =
      version === 'v3'
        ? { name: get('name'), version, user: get('user'), level: get('level'), authProtocol: get('authProtocol'), authKey: get('authKey'), privProtocol: get('privProtocol'), privKey: get('privKey') }
        : { name: get('name'), version, community: get('community') };
    setError(null);
    try {
      await api('/snmp/credentials', { method: 'POST', body });
      form.reset();
      await refresh();
    } catch (err) {
      setError(err);
    }
  };
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <>
      {can('admin') ? (
        <form className="filters" onSubmit={(e) => void create(e)} aria-label={t('network.addCredential')}>
          <label>
            {t('tokens.name')}
            <input name="name" required />
          </label>
          <label>
            SNMP
            <select value={version} onChange={(e) => setVersion(e.target.value as 'v2c' | 'v1' | 'v3')}>
              <option value="v2c">v2c</option>
              <option value="v1">v1</option>
              <option value="v3">v3</option>
            </select>
          </label>
          {version === 'v3' ? (
            <>
              <label>
                {t('login.username')}
                <input name="user" required autoComplete="off" />
              </label>
              <label>
                {t('network.level')}
                <select name="level" defaultValue="authPriv">
                  <option>authPriv</option>
                  <option>authNoPriv</option>
                  <option>noAuthNoPriv</option>
                </select>
              </label>
              <label>
                Auth
                <select name="authProtocol" defaultValue="sha256">
                  {['sha', 'sha224', 'sha256', 'sha384', 'sha512', 'md5'].map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('network.authKey')}
                <input name="authKey" type="password" autoComplete="new-password" />
              </label>
              <label>
                Priv
                <select name="privProtocol" defaultValue="aes">
                  {['aes', 'aes256', 'aes256b', 'aes256r', 'des'].map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('network.privKey')}
                <input name="privKey" type="password" autoComplete="new-password" />
              </label>
            </>
          ) : (
            <label>
              {t('network.community')}
              <input name="community" type="password" required autoComplete="new-password" />
            </label>
          )}
          <button type="submit" className="primary">
            {t('network.addCredential')}
          </button>
        </form>
      ) : null}
      <p className="muted">{t('network.secretsWriteOnly')}</p>
      {error ? <ErrorBox error={error} /> : null}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">{t('network.credentials')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('network.order')}</th>
              <th scope="col">{t('network.summary')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.position}</td>
                <td>
                  {Object.entries(c.summary)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}
                </td>
                <td>{fmtDate(c.createdAt)}</td>
                <td>
                  {can('admin') ? (
                    <button
                      type="button"
                      onClick={() =>
                        window.confirm(t('network.confirmDelete', { name: c.name })) &&
                        void api(`/snmp/credentials/${c.id}`, { method: 'DELETE' }).then(refresh, setError)
                      }
                    >
                      {t('network.delete')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function NetworkPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const available = useProbe('/snmp/devices?limit=1');
  return (
    <section aria-labelledby="net-title">
      <h1 id="net-title">{t('network.title')}</h1>
      {available === 'unknown' ? <Loading /> : null}
      {available === 'no' ? <NotAvailable feature={t('network.title')} /> : null}
      {available === 'yes' ? (
        <>
          <h2>{t('network.devices')}</h2>
          <DevicesTable />
          <h2>{t('network.scans')}</h2>
          <ScansSection />
          {can('analyst') ? (
            <>
              <h2>{t('network.credentials')}</h2>
              <CredentialsSection />
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
