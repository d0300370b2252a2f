/**
 * Fleet-wide findings with filters (severity, KEV, EPSS, status, product, triage), bulk triage of the selected rows,
 * CSV and VEX exports; and the CVE page, where a CVE is triaged for all assets or a product version range and its
 * decisions are listed (and revoked). Both light up when the findings / vulnerabilities APIs (issue 8) answer.
 * Triage controls are shown to analysts and admins only; the API refuses viewers anyway.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { FindingsListReply } from '../../../common/api/findings.js';
import type { VulnerabilityDetailReply } from '../../../common/api/kb.js';
import type { TriageListReply } from '../../../common/api/triage.js';
import { qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { useAuth } from '../auth.js';
import { CveRecord } from '../components/CveRecord.js';
import { Evidence } from '../components/Evidence.js';
import { TRIAGE_KINDS, TriageBadge, TriageDialog, scopeText, triageLabel, useTriageActions } from '../components/Triage.js';
import { ErrorBox, Loading, NotAvailable, Pager, SeverityBadge } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Findings = Infer<typeof FindingsListReply>;
type Decisions = Infer<typeof TriageListReply>;
const FILTERS = ['status', 'severity', 'kev', 'epssMin', 'product', 'vulnerabilityId', 'triage'] as const;

function FindingsTable({ query, showAsset = true }: { query: Record<string, string>; showAsset?: boolean }) {
  const { t, fmtDate } = useI18n();
  const { can } = useAuth();
  const triage = useTriageActions();
  const canTriage = can('analyst');
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState(false);
  const key = JSON.stringify(query);
  useEffect(() => {
    setCursors([]);
    setSelected(new Set());
  }, [key]);
  const [open, setOpen] = useState<number | null>(null);
  const q = useApi<Findings>(`/findings${qs({ ...query, evidence: 'true', limit: 100, cursor: cursors[cursors.length - 1] })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const cols = (showAsset ? 11 : 10) + (canTriage ? 1 : 0);
  const pageIds = q.data.items.map((f) => f.id);
  const allSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <>
      <div className="toolbar">
        {canTriage ? (
          <button type="button" className="primary" disabled={!selected.size} onClick={() => setDialog(true)}>
            {t('triage.bulkButton', { n: selected.size })}
          </button>
        ) : null}
        <a href={`/api/v1/findings.csv${qs(query)}`} download="vigie-findings.csv">
          {t('triage.exportCsv')}
        </a>
        <a href="/api/v1/triage/vex" download="vigie-vex.cdx.json">
          {t('triage.exportVex')}
        </a>
      </div>
      {dialog ? (
        <TriageDialog
          title={t('triage.bulkTitle', { n: selected.size })}
          summary={t('triage.bulkSummary')}
          onClose={() => setDialog(false)}
          onSubmit={async (v) => {
            await triage.bulk({ findingIds: [...selected], decision: v.decision, justification: v.justification, expiresAt: v.expiresAt });
            setSelected(new Set());
          }}
        />
      ) : null}
      <div className="table-wrap">
        <table data-testid="findings-table">
          <caption className="sr-only">{t('vulns.title')}</caption>
          <thead>
            <tr>
              {canTriage ? (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t('triage.selectPage')}
                    checked={allSelected}
                    onChange={() => setSelected((s) => (allSelected ? new Set([...s].filter((id) => !pageIds.includes(id))) : new Set([...s, ...pageIds])))}
                  />
                </th>
              ) : null}
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
              <th scope="col">{t('triage.column')}</th>
              <th scope="col">{t('vulns.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((f) => (
              <FindingRow
                key={f.id}
                f={f}
                showAsset={showAsset}
                cols={cols}
                open={open === f.id}
                toggle={() => setOpen(open === f.id ? null : f.id)}
                fmtDate={fmtDate}
                select={canTriage ? { checked: selected.has(f.id), toggle: () => toggle(f.id) } : null}
              />
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

function FindingRow({
  f, showAsset, cols, open, toggle, fmtDate, select,
}: { f: Findings['items'][number]; showAsset: boolean; cols: number; open: boolean; toggle(): void; fmtDate(s: string | null): string; select: { checked: boolean; toggle(): void } | null }) {
  const { t } = useI18n();
  return (
    <>
      <tr>
        {select ? (
          <td>
            <input type="checkbox" checked={select.checked} onChange={select.toggle} aria-label={t('triage.selectFinding', { cve: f.vulnerabilityId, asset: f.hostname ?? `#${f.assetId}`, software: f.software.name })} />
          </td>
        ) : null}
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
        <td>{f.triage ? <TriageBadge triage={f.triage} /> : <span className="muted">{t('triage.untriaged')}</span>}</td>
        <td>
          <button type="button" aria-expanded={open} onClick={toggle}>
            {open ? t('vulns.hideEvidence') : t('vulns.showEvidence')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="evidence-row">
          <td colSpan={cols}>
            {f.triage ? (
              <p className="triage-detail">
                <TriageBadge triage={f.triage} /> {f.triage.justification} — {f.triage.author}
              </p>
            ) : null}
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
            <label>
              {t('triage.filter')}
              <select name="triage" defaultValue={query.triage ?? ''}>
                <option value="">{t('common.all')}</option>
                <option value="untriaged">{t('triage.filter.untriaged')}</option>
                <option value="triaged">{t('triage.filter.triaged')}</option>
                {TRIAGE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(triageLabel(k))}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary">
              {t('common.apply')}
            </button>
            <button type="button" onClick={() => setParams(new URLSearchParams())}>
              {t('common.reset')}
            </button>
          </form>
          <FindingsTable query={query} />
        </>
      ) : null}
    </section>
  );
}

/** The CVE's decisions (live first, then the rest), with revoke for analysts. */
function CveDecisions({ id, products }: { id: string; products: string[] }) {
  const { t, fmtDate } = useI18n();
  const { can } = useAuth();
  const triage = useTriageActions();
  const [dialog, setDialog] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const q = useApi<Decisions>(`/triage${qs({ vulnerabilityId: id, state: 'all', limit: 200 })}`);
  return (
    <div className="card" data-testid="cve-triage">
      <h2>{t('triage.title')}</h2>
      {can('analyst') ? (
        <p>
          <button type="button" className="primary" onClick={() => setDialog(true)}>
            {t('triage.cveButton')}
          </button>
        </p>
      ) : null}
      {dialog ? (
        <TriageDialog
          title={t('triage.cveTitle', { cve: id })}
          summary={t('triage.cveSummary')}
          products={products}
          onClose={() => setDialog(false)}
          onSubmit={(v) => triage.create({ vulnerabilityId: id, decision: v.decision, justification: v.justification, expiresAt: v.expiresAt, scope: v.scope ?? {} })}
        />
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.isPending ? <Loading /> : null}
      {q.data && !q.data.items.length ? <p className="muted">{t('triage.noDecisions')}</p> : null}
      {q.data?.items.length ? (
        <div className="table-wrap">
          <table className="compact triage-decisions" data-testid="decisions-table">
            <caption className="sr-only">{t('triage.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('triage.decision')}</th>
                <th scope="col">{t('triage.scope')}</th>
                <th scope="col">{t('triage.justification')}</th>
                <th scope="col">{t('triage.author')}</th>
                <th scope="col">{t('triage.expires')}</th>
                <th scope="col">{t('triage.state')}</th>
                <th scope="col" className="num">
                  {t('triage.governed')}
                </th>
                {can('analyst') ? <th scope="col">{t('common.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <TriageBadge triage={d} />
                  </td>
                  <td>{scopeText(t, d.scope)}</td>
                  <td className="description">{d.justification}</td>
                  <td>{d.author}</td>
                  <td>{d.expiresAt ? fmtDate(d.expiresAt) : '—'}</td>
                  <td className="nowrap">{t(`triage.state.${d.state}` as MessageKey)}</td>
                  <td className="num">{d.findings}</td>
                  {can('analyst') ? (
                    <td>
                      {d.state === 'live' ? (
                        <button
                          type="button"
                          onClick={() => {
                            setError(null);
                            triage.revoke(d.id).catch(setError);
                          }}
                        >
                          {t('triage.revoke')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

export function VulnerabilityPage() {
  const { t } = useI18n();
  const id = useParams().id ?? '';
  const cveAvailable = useProbe(`/vulnerabilities/${encodeURIComponent(id)}`);
  const findingsAvailable = useProbe('/findings?limit=1');
  const triageAvailable = useProbe('/triage?limit=1');
  const cve = useApi<Infer<typeof VulnerabilityDetailReply>>(cveAvailable === 'yes' ? `/vulnerabilities/${encodeURIComponent(id)}` : null);
  const affected = useApi<Findings>(findingsAvailable === 'yes' ? `/findings${qs({ vulnerabilityId: id, limit: 500 })}` : null);
  const products = [...new Set((affected.data?.items ?? []).map((f) => f.software.name))].sort();
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
      {triageAvailable === 'yes' ? <CveDecisions id={id.toUpperCase()} products={products} /> : null}
      <h2>{t('vulns.affected')}</h2>
      {findingsAvailable === 'yes' ? <FindingsTable query={{ vulnerabilityId: id }} /> : findingsAvailable === 'no' ? <NotAvailable feature={t('vulns.affected')} /> : <Loading />}
    </section>
  );
}
