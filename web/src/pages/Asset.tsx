/**
 * One asset, in tabs: overview (identity, OS, hardware), software (with finding badges when the findings API is
 * there), network, services & volumes, vulnerabilities (with the matcher's evidence), history, receipts (raw
 * payloads downloadable). Every value from the inventory is rendered as text.
 */
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { AssetChangesReply, AssetDetailReply, AssetSoftwareReply } from '../../../common/api/assets.js';
import type { AssetFindingsReply } from '../../../common/api/findings.js';
import type { ReceiptsListReply } from '../../../common/api/receipts.js';
import { qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { Evidence } from '../components/Evidence.js';
import { ErrorBox, KeyValue, Loading, NotAvailable, Pager, RecordTable, SeverityBadge, StatusBadge, TabPanel, Tabs, text } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Detail = Infer<typeof AssetDetailReply>;
type SoftwarePage = Infer<typeof AssetSoftwareReply>;
type ChangesPage = Infer<typeof AssetChangesReply>;
type ReceiptsPage = Infer<typeof ReceiptsListReply>;
type FindingsPage = Infer<typeof AssetFindingsReply>;

const TABS = ['overview', 'software', 'network', 'services', 'vulnerabilities', 'history', 'receipts'] as const;
type Tab = (typeof TABS)[number];

function useCursors() {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    depth: stack.length,
    reset: () => setStack([]),
    push: (c: string) => setStack((s) => [...s, c]),
    pop: () => setStack((s) => s.slice(0, -1)),
  };
}

function Overview({ a }: { a: Detail }) {
  const { t, fmtDate } = useI18n();
  const sections = a.sections as Record<string, unknown>;
  const hardwareKeys = Object.keys(sections).filter((k) => !['os', 'identity'].includes(k));
  return (
    <div className="grid-2">
      <div className="card">
        <h2>{t('asset.identity')}</h2>
        <KeyValue
          rows={[
            [t('assets.col.hostname'), a.hostname],
            ['FQDN', a.fqdn],
            [t('assets.col.kind'), a.kind],
            [t('assets.col.status'), a.status],
            [t('assets.col.ip'), a.ipAddress],
            ['MAC', a.macs.join(', ')],
            ['TAG', a.tag],
            ['Device ID', a.deviceId],
            ['Agent ID', a.agentId],
            ['UUID', a.uuid],
            [t('assets.col.serial'), a.serial],
            [t('assets.col.vendor'), [a.vendor, a.model].filter(Boolean).join(' ')],
            [t('assets.col.source'), a.sourceFormat],
            [t('assets.col.agent'), a.userAgent],
            [t('assets.col.firstSeen'), fmtDate(a.firstSeenAt)],
            [t('assets.col.lastSeen'), fmtDate(a.lastSeenAt)],
            [t('asset.lastInventory'), fmtDate(a.lastInventoryAt)],
            ...a.identifiers.map((i): [string, unknown] => [`id:${i.kind}`, i.value]),
          ]}
        />
      </div>
      <div className="card">
        <h2>{t('asset.os')}</h2>
        <KeyValue
          rows={[
            [t('asset.osName'), a.os.name],
            [t('asset.osVersion'), a.os.version],
            [t('asset.osFull'), a.os.fullName],
            [t('asset.arch'), a.os.arch],
            [t('asset.kernel'), a.os.kernel],
          ]}
        />
        {a.accountInfo.length ? (
          <>
            <h3>{t('asset.accountInfo')}</h3>
            <KeyValue rows={a.accountInfo.map((i): [string, unknown] => [i.key, i.value])} />
          </>
        ) : null}
      </div>
      {hardwareKeys.map((k) => {
        const v = sections[k];
        return (
          <div className="card" key={k}>
            <h2>{k}</h2>
            {Array.isArray(v) ? (
              <RecordTable rows={v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)} caption={k} />
            ) : v && typeof v === 'object' ? (
              <KeyValue rows={Object.entries(v as Record<string, unknown>)} />
            ) : (
              <p>{text(v)}</p>
            )}
          </div>
        );
      })}
    </div>
  );
}

function SoftwareTab({ id, findings }: { id: number; findings: FindingsPage | undefined }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const c = useCursors();
  const q = useApi<SoftwarePage>(`/assets/${id}/software${qs({ name, limit: 100, cursor: c.cursor })}`);
  const counts = new Map<string, number>();
  for (const f of findings?.items ?? []) if (f.status === 'open') counts.set(`${f.software.name}\u0000${f.software.version ?? ''}`, (counts.get(`${f.software.name}\u0000${f.software.version ?? ''}`) ?? 0) + 1);
  return (
    <>
      <label className="inline-filter">
        {t('asset.filterSoftware')}{' '}
        <input
          type="search"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            c.reset();
          }}
        />
      </label>
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table data-testid="software-table">
            <caption className="sr-only">{t('asset.tab.software')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('software.name')}</th>
                <th scope="col">{t('software.version')}</th>
                <th scope="col">{t('software.publisher')}</th>
                <th scope="col">{t('software.arch')}</th>
                <th scope="col">{t('software.origin')}</th>
                <th scope="col">{t('software.findings')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data?.items.map((s) => {
                const n = counts.get(`${s.name}\u0000${s.version ?? ''}`);
                return (
                  <tr key={s.id}>
                    <td className="sw-name">{s.name}</td>
                    <td>{s.version ?? '—'}</td>
                    <td>{s.publisher ?? '—'}</td>
                    <td>{s.arch ?? '—'}</td>
                    <td>{s.origin}</td>
                    <td>{n ? <span className="badge sev-high">{t('software.openFindings', { n })}</span> : findings ? '' : '·'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager hasPrev={c.depth > 0} hasNext={Boolean(q.data?.nextCursor)} onFirst={c.reset} onPrev={c.pop} onNext={() => q.data?.nextCursor && c.push(q.data.nextCursor)} />
    </>
  );
}

function VulnerabilitiesTab({ id, available, findings, error }: { id: number; available: 'yes' | 'no' | 'unknown'; findings: FindingsPage | undefined; error: unknown }) {
  const { t, fmtDate } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  if (available === 'unknown') return <Loading />;
  if (available === 'no') return <NotAvailable feature={t('asset.tab.vulnerabilities')} />;
  if (error) return <ErrorBox error={error} />;
  if (!findings) return <Loading />;
  if (!findings.items.length) return <p className="muted">{t('vulns.noneForAsset')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{t('asset.tab.vulnerabilities')}</caption>
        <thead>
          <tr>
            <th scope="col">CVE</th>
            <th scope="col">{t('vulns.severity')}</th>
            <th scope="col">{t('software.name')}</th>
            <th scope="col">{t('software.version')}</th>
            <th scope="col">{t('vulns.fixed')}</th>
            <th scope="col">KEV</th>
            <th scope="col">{t('vulns.status')}</th>
            <th scope="col">{t('vulns.firstSeen')}</th>
            <th scope="col">{t('vulns.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {findings.items.map((f) => (
            <FindingRows key={f.id} f={f} open={open === f.id} toggle={() => setOpen(open === f.id ? null : f.id)} fmtDate={fmtDate} assetId={id} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FindingRows({ f, open, toggle, fmtDate }: { f: FindingsPage['items'][number]; open: boolean; toggle(): void; fmtDate(s: string | null): string; assetId: number }) {
  const { t } = useI18n();
  return (
    <>
      <tr>
        <td>
          <Link to={`/vulnerabilities/${encodeURIComponent(f.vulnerabilityId)}`}>{f.vulnerabilityId}</Link>
        </td>
        <td>
          <SeverityBadge severity={f.severity} />
        </td>
        <td>{f.software.name}</td>
        <td>{f.software.version ?? '—'}</td>
        <td>{f.fixedVersion ?? '—'}</td>
        <td>{f.kev ? <span className="badge kev">KEV</span> : ''}</td>
        <td>{f.status}</td>
        <td>{fmtDate(f.firstSeenAt)}</td>
        <td>
          <button type="button" aria-expanded={open} onClick={toggle}>
            {open ? t('vulns.hideEvidence') : t('vulns.showEvidence')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="evidence-row">
          <td colSpan={9}>
            <Evidence evidence={f.evidence ?? {}} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function HistoryTab({ id }: { id: number }) {
  const { t, fmtDate } = useI18n();
  const c = useCursors();
  const q = useApi<ChangesPage>(`/assets/${id}/changes${qs({ limit: 100, cursor: c.cursor })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <p className="muted">{t('asset.noChanges')}</p>;
  return (
    <>
      <ol className="timeline">
        {q.data.items.map((ch) => (
          <li key={ch.id}>
            <time dateTime={ch.changedAt}>{fmtDate(ch.changedAt)}</time>
            <span className={`badge change-${ch.kind}`}>{ch.kind}</span>
            <span className="subject">{ch.subject}</span>
            {ch.oldValue !== null || ch.newValue !== null ? (
              <span className="change">
                {ch.oldValue ?? '∅'} → {ch.newValue ?? '∅'}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <Pager hasPrev={c.depth > 0} hasNext={Boolean(q.data.nextCursor)} onFirst={c.reset} onPrev={c.pop} onNext={() => q.data.nextCursor && c.push(q.data.nextCursor)} />
    </>
  );
}

function ReceiptsTab({ id }: { id: number }) {
  const { t, fmtDate, fmtNumber } = useI18n();
  const q = useApi<ReceiptsPage>(`/assets/${id}/receipts?limit=100`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{t('asset.tab.receipts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('receipts.receivedAt')}</th>
            <th scope="col">{t('receipts.protocol')}</th>
            <th scope="col">{t('receipts.outcome')}</th>
            <th scope="col" className="num">
              {t('receipts.size')}
            </th>
            <th scope="col">{t('receipts.from')}</th>
            <th scope="col">{t('assets.col.agent')}</th>
            <th scope="col">{t('receipts.payload')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((r) => (
            <tr key={r.id}>
              <td>{fmtDate(r.receivedAt)}</td>
              <td>
                {r.protocol}
                {r.query ? ` · ${r.query}` : ''}
              </td>
              <td>
                {r.outcome}
                {r.errorCode ? ` (${r.errorCode})` : ''}
              </td>
              <td className="num">{fmtNumber(r.sizeBytes)}</td>
              <td>{r.remoteAddress ?? '—'}</td>
              <td>{r.userAgent ?? '—'}</td>
              <td>{r.hasPayload ? <a href={`/api/v1/receipts/${r.id}/payload`} download={`receipt-${r.id}.bin`}>{t('receipts.download')}</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AssetPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'overview';
  const q = useApi<Detail>(`/assets/${id}`);
  const findingsAvailable = useProbe(`/assets/${id}/findings?limit=1`);
  const findings = useApi<FindingsPage>(findingsAvailable === 'yes' ? `/assets/${id}/findings?limit=500` : null);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const a = q.data;
  const openCount = findings.data?.items.filter((f) => f.status === 'open').length;
  return (
    <section aria-labelledby="asset-title">
      <p className="breadcrumb">
        <Link to="/assets">{t('nav.assets')}</Link> ›
      </p>
      <h1 id="asset-title">
        {a.hostname ?? a.fqdn ?? `#${a.id}`} <StatusBadge status={a.status} />
      </h1>
      <p className="muted">
        {a.os.fullName ?? a.os.name ?? ''} · {a.kind} · {t('asset.softwareCount', { n: a.softwareCount })}
        {openCount !== undefined ? ` · ${t('asset.openFindings', { n: openCount })}` : ''}
      </p>
      <Tabs
        label={t('asset.tabs')}
        current={tab}
        onChange={(id) => setParams(id === 'overview' ? {} : { tab: id }, { replace: true })}
        tabs={TABS.map((id) => ({ id, label: t(`asset.tab.${id}` as MessageKey) }))}
      />
      <TabPanel id={tab}>
        {tab === 'overview' ? <Overview a={a} /> : null}
        {tab === 'software' ? <SoftwareTab id={id} findings={findings.data} /> : null}
        {tab === 'network' ? <RecordTable rows={a.interfaces} caption={t('asset.tab.network')} /> : null}
        {tab === 'services' ? (
          <>
            <h2>{t('asset.services')}</h2>
            <RecordTable rows={a.services} caption={t('asset.services')} />
            <h2>{t('asset.volumes')}</h2>
            <RecordTable rows={a.volumes} caption={t('asset.volumes')} />
          </>
        ) : null}
        {tab === 'vulnerabilities' ? <VulnerabilitiesTab id={id} available={findingsAvailable} findings={findings.data} error={findings.error} /> : null}
        {tab === 'history' ? <HistoryTab id={id} /> : null}
        {tab === 'receipts' ? <ReceiptsTab id={id} /> : null}
      </TabPanel>
    </section>
  );
}
