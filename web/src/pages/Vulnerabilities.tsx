/**
 * Fleet-wide findings with filters (severity, KEV, EPSS, status, product), and the CVE page. Both light up when
 * the findings / vulnerabilities APIs (issue 8) answer; until then they say so.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { FindingsListReply } from '../../../common/api/findings.js';
import type { VulnerabilityDetailReply } from '../../../common/api/kb.js';
import { qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { CveRecord } from '../components/CveRecord.js';
import { Evidence } from '../components/Evidence.js';
import { ErrorBox, Loading, NotAvailable, Pager, SeverityBadge } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Findings = Infer<typeof FindingsListReply>;
const FILTERS = ['status', 'severity', 'kev', 'epssMin', 'product', 'vulnerabilityId'] as const;

function FindingsTable({ query, showAsset = true }: { query: Record<string, string>; showAsset?: boolean }) {
  const { t, fmtDate } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const key = JSON.stringify(query);
  useEffect(() => setCursors([]), [key]);
  const [open, setOpen] = useState<number | null>(null);
  const q = useApi<Findings>(`/findings${qs({ ...query, evidence: 'true', limit: 100, cursor: cursors[cursors.length - 1] })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const cols = showAsset ? 10 : 9;
  return (
    <>
      <div className="table-wrap">
        <table data-testid="findings-table">
          <caption className="sr-only">{t('vulns.title')}</caption>
          <thead>
            <tr>
              <th scope="col">CVE</th>
              <th scope="col">{t('vulns.severity')}</th>
              {showAsset ? <th scope="col">{t('vulns.asset')}</th> : null}
              <th scope="col">{t('software.name')}</th>
              <th scope="col">{t('software.version')}</th>
              <th scope="col">{t('vulns.fixed')}</th>
              <th scope="col">KEV</th>
              <th scope="col" className="num">
                EPSS
              </th>
              <th scope="col">{t('vulns.firstSeen')}</th>
              <th scope="col">{t('vulns.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((f) => (
              <FindingRow key={f.id} f={f} showAsset={showAsset} cols={cols} open={open === f.id} toggle={() => setOpen(open === f.id ? null : f.id)} fmtDate={fmtDate} />
            ))}
            {!q.data.items.length ? (
              <tr>
                <td colSpan={cols} className="muted">
                  {t('vulns.none')}
                </td>
              </tr>
            ) : null}
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

function FindingRow({ f, showAsset, cols, open, toggle, fmtDate }: { f: Findings['items'][number]; showAsset: boolean; cols: number; open: boolean; toggle(): void; fmtDate(s: string | null): string }) {
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
        {showAsset ? (
          <td>
            <Link to={`/assets/${f.assetId}?tab=vulnerabilities`}>{f.hostname ?? `#${f.assetId}`}</Link>
          </td>
        ) : null}
        <td>{f.software.name}</td>
        <td>{f.software.version ?? '—'}</td>
        <td>{f.fixedVersion ?? '—'}</td>
        <td>{f.kev ? <span className="badge kev">KEV</span> : ''}</td>
        <td className="num">{f.epss !== null ? f.epss.toFixed(3) : '—'}</td>
        <td>{fmtDate(f.firstSeenAt)}</td>
        <td>
          <button type="button" aria-expanded={open} onClick={toggle}>
            {open ? t('vulns.hideEvidence') : t('vulns.showEvidence')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="evidence-row">
          <td colSpan={cols}>
            <Evidence evidence={f.evidence ?? {}} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function VulnerabilitiesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const available = useProbe('/findings?limit=1');
  const query = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']).filter(([, v]) => v)) as Record<string, string>;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = String(data.get(f) ?? '').trim();
      if (v) next.set(f, v);
    }
    setParams(next);
  };
  return (
    <section aria-labelledby="vulns-title">
      <h1 id="vulns-title">{t('vulns.title')}</h1>
      {available === 'unknown' ? <Loading /> : null}
      {available === 'no' ? <NotAvailable feature={t('vulns.title')} /> : null}
      {available === 'yes' ? (
        <>
          <form className="filters" onSubmit={submit} key={params.toString()} role="search" aria-label={t('assets.filters')}>
            <label>
              {t('vulns.status')}
              <select name="status" defaultValue={query.status ?? ''}>
                <option value="">{t('common.all')}</option>
                <option value="open">{t('vulns.status.open')}</option>
                <option value="fixed">{t('vulns.status.fixed')}</option>
                <option value="withdrawn">{t('vulns.status.withdrawn')}</option>
              </select>
            </label>
            <label>
              {t('vulns.severity')}
              <select name="severity" defaultValue={query.severity ?? ''}>
                <option value="">{t('common.all')}</option>
                {(['critical', 'high', 'medium', 'low', 'none'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}` as MessageKey)}
                  </option>
                ))}
                <option value="critical,high">{t('vulns.criticalHigh')}</option>
              </select>
            </label>
            <label>
              KEV
              <select name="kev" defaultValue={query.kev ?? ''}>
                <option value="">{t('common.all')}</option>
                <option value="true">{t('vulns.kevOnly')}</option>
                <option value="false">{t('vulns.notKev')}</option>
              </select>
            </label>
            <label>
              {t('vulns.epssMin')}
              <input name="epssMin" type="number" min={0} max={1} step={0.01} defaultValue={query.epssMin ?? ''} />
            </label>
            <label>
              {t('vulns.product')}
              <input name="product" type="search" defaultValue={query.product ?? ''} />
            </label>
            <label>
              CVE
              <input name="vulnerabilityId" defaultValue={query.vulnerabilityId ?? ''} placeholder="CVE-2024-…" />
            </label>
            <button type="submit" className="primary">
              {t('common.apply')}
            </button>
            <button type="button" onClick={() => setParams(new URLSearchParams())}>
              {t('common.reset')}
            </button>
          </form>
          <FindingsTable query={query} />
          <p className="muted">{t('vulns.triageLater')}</p>
        </>
      ) : null}
    </section>
  );
}

export function VulnerabilityPage() {
  const { t } = useI18n();
  const id = useParams().id ?? '';
  const cveAvailable = useProbe(`/vulnerabilities/${encodeURIComponent(id)}`);
  const findingsAvailable = useProbe('/findings?limit=1');
  const cve = useApi<Infer<typeof VulnerabilityDetailReply>>(cveAvailable === 'yes' ? `/vulnerabilities/${encodeURIComponent(id)}` : null);
  return (
    <section aria-labelledby="cve-title">
      <p className="breadcrumb">
        <Link to="/vulnerabilities">{t('vulns.title')}</Link> ›
      </p>
      <h1 id="cve-title">{id}</h1>
      <div className="card">
        <h2>{t('vulns.record')}</h2>
        {cveAvailable === 'no' ? <NotAvailable feature={t('vulns.record')} /> : null}
        {cve.error ? <ErrorBox error={cve.error} /> : null}
        {cve.data ? <CveRecord v={cve.data} /> : cveAvailable === 'yes' && !cve.error ? <Loading /> : null}
      </div>
      <h2>{t('vulns.affected')}</h2>
      {findingsAvailable === 'yes' ? <FindingsTable query={{ vulnerabilityId: id }} /> : findingsAvailable === 'no' ? <NotAvailable feature={t('vulns.affected')} /> : <Loading />}
    </section>
  );
}
