/**
 * The fleet at a glance: assets by status, kind and OS; stale agents; inventories; open findings by severity and
 * KEV, and the most vulnerable assets (when the findings API is there); knowledge-base freshness; 30-day trends.
 * Every number links to the filtered list behind it.
 */
import { Link, useNavigate } from 'react-router';
import type { StatsFindingsReply } from '../../../common/api/dashboard.js';
import type { KbSourcesReply } from '../../../common/api/kb.js';
import type { StatsReply } from '../../../common/api/stats.js';
import type { StatsTrendsReply } from '../../../common/api/trends.js';
import { isMissingRoute, qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { DASHBOARD_PATHS } from '../api/paths.js';
import { Chart } from '../components/Chart.js';
import { KbSources } from '../components/KbSources.js';
import { ErrorBox, Loading, NotAvailable } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Stats = Infer<typeof StatsReply>;
type Trends = Infer<typeof StatsTrendsReply>;
type FindingStats = Infer<typeof StatsFindingsReply>;

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

function Figure({ label, value, to, testId, extra }: { label: string; value: string; to: string; testId?: string; extra?: string }) {
  return (
    <Link to={to} className={`figure card${extra ? ` ${extra}` : ''}`} data-testid={testId}>
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
    </Link>
  );
}

/** Findings whose CVE has no CVSS yet (common in distro trackers before NVD analysis). */
const unrated = (a: FindingStats['topAssets'][number]) => a.total - a.critical - a.high - a.medium - a.low;

/** Assets with the most open findings, by severity; every count opens that asset's vulnerabilities. */
function TopAssets({ items }: { items: FindingStats['topAssets'] }) {
  const { t, fmtNumber } = useI18n();
  if (!items.length) return <p className="muted">{t('dashboard.noVulnerableAssets')}</p>;
  return (
    <table className="compact" data-testid="top-assets">
      <caption className="sr-only">{t('dashboard.topAssets')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('assets.col.hostname')}</th>
          {SEVERITIES.map((s) => (
            <th scope="col" className="num" key={s}>
              {t(`severity.${s}` as MessageKey)}
            </th>
          ))}
          <th scope="col" className="num">
            {t('dashboard.unrated')}
          </th>
          <th scope="col" className="num">
            KEV
          </th>
          <th scope="col" className="num">
            {t('dashboard.total')}
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => {
          const to = `/assets/${a.assetId}?tab=vulnerabilities`;
          const name = a.hostname ?? `#${a.assetId}`;
          return (
            <tr key={a.assetId}>
              <td>
                <Link to={to}>{name}</Link> <span className="muted">{a.kind}</span>
              </td>
              {SEVERITIES.map((s) => (
                <td className="num" key={s}>
                  {a[s] ? (
                    <Link to={to} className={`sev-count sev-${s}`} aria-label={t('dashboard.assetSeverityCount', { n: a[s], severity: t(`severity.${s}` as MessageKey), name })}>
                      {fmtNumber(a[s])}
                    </Link>
                  ) : (
                    <span className="muted">0</span>
                  )}
                </td>
              ))}
              <td className="num">{unrated(a) ? <Link to={to}>{fmtNumber(unrated(a))}</Link> : <span className="muted">0</span>}</td>
              <td className="num">{a.kev ? <Link to={to}>{fmtNumber(a.kev)}</Link> : <span className="muted">0</span>}</td>
              <td className="num">
                <Link to={to}>{fmtNumber(a.total)}</Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FindingsSummary() {
  const { t, fmtNumber } = useI18n();
  // No probe first: on a large fleet this is the dashboard's heaviest call, and a server without it answers 404.
  const q = useApi<FindingStats>(DASHBOARD_PATHS.findings);
  if (q.isPending) return <Loading />;
  if (q.error) return isMissingRoute(q.error) ? <NotAvailable feature={t('nav.vulnerabilities')} /> : <ErrorBox error={q.error} />;
  const f = q.data;
  return (
    <>
      <div className="figures">
        {SEVERITIES.map((s) => (
          <Figure key={s} label={t(`severity.${s}` as MessageKey)} value={fmtNumber(f.open[s])} to={`/vulnerabilities${qs({ status: 'open', triage: 'untriaged', severity: s })}`} testId={`findings-${s}`} extra={`sev-figure sev-${s}`} />
        ))}
        <Figure label={t('dashboard.kev')} value={fmtNumber(f.kev)} to={`/vulnerabilities${qs({ status: 'open', triage: 'untriaged', kev: 'true' })}`} testId="findings-kev" />
      </div>
      <div className="card">
        <h2>{t('dashboard.topAssets')}</h2>
        <TopAssets items={f.topAssets} />
      </div>
    </>
  );
}

/** The oldest "last success" among the KB sources, and whether any is stale: the freshness of what matching used. */
function KbFreshness() {
  const { t, fmtDate } = useI18n();
  const available = useProbe(DASHBOARD_PATHS.kbSources);
  const q = useApi<Infer<typeof KbSourcesReply>>(available === 'yes' ? DASHBOARD_PATHS.kbSources : null);
  if (available !== 'yes' || !q.data) return null;
  const dates = q.data.items.map((s) => s.lastSuccessAt).filter((d): d is string => Boolean(d)).sort();
  const stale = q.data.items.some((s) => s.stale);
  return (
    <Figure
      label={!dates.length ? t('dashboard.kbEmpty') : stale ? t('dashboard.kbStale') : t('dashboard.kbFresh')}
      value={dates.length ? fmtDate(dates[dates.length - 1]) : t('dashboard.kbNever')}
      to="/settings?tab=kb"
      testId="kb-freshness"
      extra={stale || !dates.length ? 'figure-warn' : 'figure-ok'}
    />
  );
}

function Trends({ deferChart }: { deferChart: boolean }) {
  const { t } = useI18n();
  const q = useApi<Trends>(DASHBOARD_PATHS.trends);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const days = q.data.days;
  if (!days.some((d) => d.inventories || d.rejected || d.newAssets)) return <p className="muted">{t('dashboard.noTrendData')}</p>;
  return (
    <Chart
      defer={deferChart}
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
  const stats = useApi<Stats>(DASHBOARD_PATHS.stats);
  // Everything the page needs starts at once (same query keys as the sections below, so no second request; on a
  // first load the entry has already started them: api/paths.ts). The charts' code is loaded once the finding
  // figures are in (components/Chart.tsx): parsing echarts (the largest chunk) earlier would hold them back.
  const deferCharts = useApi<FindingStats>(DASHBOARD_PATHS.findings).isPending;
  useApi<Trends>(DASHBOARD_PATHS.trends);
  if (stats.isPending) return <Loading />;
  if (stats.error) return <ErrorBox error={stats.error} />;
  const s = stats.data;
  // Floored to the minute so the link (and the react-query key of the list) is stable between renders.
  const dayAgo = new Date(Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000).toISOString();
  const byOs = s.byOs.slice(0, 12);
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dashboard.title')}</h1>
      <div className="figures">
        <Figure label={t('dashboard.assetsTotal')} value={fmtNumber(s.assets.total)} to="/assets" testId="assets-total" />
        <Figure label={t('dashboard.active')} value={fmtNumber(s.assets.active)} to="/assets?status=active" testId="assets-active" />
        <Figure label={t('dashboard.stale', { days: s.staleAfterDays })} value={fmtNumber(s.assets.stale)} to="/assets?status=stale" testId="assets-stale" />
        <Figure label={t('dashboard.blocked')} value={fmtNumber(s.assets.blocked)} to="/assets?status=blocked" testId="assets-blocked" />
        <Figure label={t('dashboard.inventories24h')} value={fmtNumber(s.inventories.last24h)} to={`/assets${qs({ seenSince: dayAgo, sort: '-lastSeen' })}`} testId="inventories-24h" />
        <Figure label={t('dashboard.software')} value={fmtNumber(s.software.distinctNames)} to="/software" testId="software-names" />
        <KbFreshness />
      </div>

      <h2>{t('dashboard.findings')}</h2>
      <FindingsSummary />

      <div className="grid-2">
        <div className="card">
          <h2>{t('dashboard.byKind')}</h2>
          {s.byKind.length ? (
            <Chart
              defer={deferCharts}
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
              defer={deferCharts}
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
        <Trends deferChart={deferCharts} />
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
