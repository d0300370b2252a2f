/**
 * The fleet at a glance: assets by status, kind and OS; stale agents; inventories; open findings by severity and
 * KEV (when the findings API is there); 30-day trends. Every number links to the filtered list behind it.
 */
import { Link, useNavigate } from 'react-router';
import type { FindingsListReply } from '../../../common/api/findings.js';
import type { StatsReply } from '../../../common/api/stats.js';
import type { StatsTrendsReply } from '../../../common/api/trends.js';
import { qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { Chart } from '../components/Chart.js';
import { KbSources } from '../components/KbSources.js';
import { ErrorBox, Loading, NotAvailable } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Stats = Infer<typeof StatsReply>;
type Trends = Infer<typeof StatsTrendsReply>;
type Findings = Infer<typeof FindingsListReply>;

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Counted by paging up to this many findings; beyond it the figure shows "N+". */
const COUNT_CAP = 500;

function Figure({ label, value, to, testId }: { label: string; value: string; to: string; testId?: string }) {
  return (
    <Link to={to} className="figure card" data-testid={testId}>
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
    </Link>
  );
}

function FindingCount({ params, label, testId }: { params: Record<string, string>; label: string; testId: string }) {
  const { fmtNumber } = useI18n();
  const q = useApi<Findings>(`/findings${qs({ ...params, limit: COUNT_CAP })}`);
  const value = q.data ? `${fmtNumber(q.data.items.length)}${q.data.nextCursor ? '+' : ''}` : '…';
  return <Figure label={label} value={value} to={`/vulnerabilities${qs(params)}`} testId={testId} />;
}

function FindingsSummary() {
  const { t } = useI18n();
  const available = useProbe('/findings?limit=1');
  if (available === 'unknown') return <Loading />;
  if (available === 'no') return <NotAvailable feature={t('nav.vulnerabilities')} />;
  return (
    <div className="figures">
      {SEVERITIES.map((s) => (
        <FindingCount key={s} params={{ status: 'open', severity: s }} label={t(`severity.${s}` as MessageKey)} testId={`findings-${s}`} />
      ))}
      <FindingCount params={{ status: 'open', kev: 'true' }} label={t('dashboard.kev')} testId="findings-kev" />
    </div>
  );
}

function Trends() {
  const { t } = useI18n();
  const q = useApi<Trends>('/stats/trends?days=30');
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const days = q.data.days;
  if (!days.some((d) => d.inventories || d.rejected || d.newAssets)) return <p className="muted">{t('dashboard.noTrendData')}</p>;
  return (
    <Chart
      label={t('dashboard.trends')}
      option={{
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: days.map((d) => d.date.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('dashboard.inventories'), type: 'line', data: days.map((d) => d.inventories), color: '#1d4ed8' },
          { name: t('dashboard.rejected'), type: 'line', data: days.map((d) => d.rejected), color: '#b91c1c' },
          { name: t('dashboard.newAssets'), type: 'bar', barMaxWidth: 56, data: days.map((d) => d.newAssets), color: '#0f766e' },
        ],
      }}
    />
  );
}

function CountList({ items, param, caption }: { items: Stats['byKind']; param: 'kind' | 'os'; caption: string }) {
  const { t, fmtNumber } = useI18n();
  return (
    <table className="compact">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{param === 'kind' ? t('assets.col.kind') : t('assets.col.os')}</th>
          <th scope="col" className="num">
            {t('dashboard.count')}
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.key ?? '(none)'}>
            <td>{c.key ?? t('common.unknown')}</td>
            <td className="num">{c.key !== null ? <Link to={`/assets${qs({ [param]: c.key })}`}>{fmtNumber(c.count)}</Link> : fmtNumber(c.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage() {
  const { t, fmtNumber } = useI18n();
  const navigate = useNavigate();
  const stats = useApi<Stats>('/stats');
  if (stats.isPending) return <Loading />;
  if (stats.error) return <ErrorBox error={stats.error} />;
  const s = stats.data;
  const byOs = s.byOs.slice(0, 12);
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dashboard.title')}</h1>
      <div className="figures">
        <Figure label={t('dashboard.assetsTotal')} value={fmtNumber(s.assets.total)} to="/assets" testId="assets-total" />
        <Figure label={t('dashboard.active')} value={fmtNumber(s.assets.active)} to="/assets?status=active" testId="assets-active" />
        <Figure label={t('dashboard.stale', { days: s.staleAfterDays })} value={fmtNumber(s.assets.stale)} to="/assets?status=stale" testId="assets-stale" />
        <Figure label={t('dashboard.blocked')} value={fmtNumber(s.assets.blocked)} to="/assets?status=blocked" testId="assets-blocked" />
        <Figure label={t('dashboard.inventories24h')} value={fmtNumber(s.inventories.last24h)} to="/assets?sort=-lastSeen" testId="inventories-24h" />
        <Figure label={t('dashboard.software')} value={fmtNumber(s.software.distinctNames)} to="/software" testId="software-names" />
      </div>

      <h2>{t('dashboard.findings')}</h2>
      <FindingsSummary />

      <div className="grid-2">
        <div className="card">
          <h2>{t('dashboard.byKind')}</h2>
          {s.byKind.length ? (
            <Chart
              label={t('dashboard.byKind')}
              height={220}
              onClickName={(name) => navigate(`/assets${qs({ kind: name })}`)}
              option={{
                grid: { left: 40, right: 16, top: 16, bottom: 28 },
                xAxis: { type: 'category', data: s.byKind.map((c) => c.key ?? '?') },
                yAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'bar', barMaxWidth: 56, data: s.byKind.map((c) => c.count), color: '#1d4ed8' }],
              }}
            />
          ) : null}
          <CountList items={s.byKind} param="kind" caption={t('dashboard.byKind')} />
        </div>
        <div className="card">
          <h2>{t('dashboard.byOs')}</h2>
          {byOs.length ? (
            <Chart
              label={t('dashboard.byOs')}
              height={Math.max(160, byOs.length * 26)}
              onClickName={(name) => navigate(`/assets${qs({ os: name })}`)}
              option={{
                grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
                yAxis: { type: 'category', inverse: true, data: byOs.map((c) => c.key ?? '?'), axisLabel: { width: 220, overflow: 'truncate' } },
                xAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'bar', barMaxWidth: 56, data: byOs.map((c) => c.count), color: '#0f766e' }],
              }}
            />
          ) : null}
          <CountList items={byOs} param="os" caption={t('dashboard.byOs')} />
        </div>
      </div>

      <div className="card">
        <h2>{t('dashboard.trends')}</h2>
        <Trends />
      </div>

      <div className="card">
        <h2>
          <Link to="/settings?tab=kb">{t('dashboard.kb')}</Link>
        </h2>
        <KbSources compact />
      </div>
    </section>
  );
}
