/** Knowledge-base sources and their freshness (issue 8's /kb/sources); "not available yet" until it answers. */
import type { KbSourcesReply } from '../../../common/api/kb.js';
import type { Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Loading, NotAvailable } from './ui.js';

export function KbSources({ compact = false }: { compact?: boolean }) {
  const { t, fmtDate, fmtNumber } = useI18n();
  const available = useProbe('/kb/sources');
  const q = useApi<Infer<typeof KbSourcesReply>>(available === 'yes' ? '/kb/sources' : null);
  if (available === 'no') return <NotAvailable feature={t('settings.tab.kb')} />;
  if (available === 'unknown' || q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <p className="muted">{t('kb.none')}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className={compact ? 'compact' : undefined} data-testid="kb-sources">
          <caption className="sr-only">{t('settings.tab.kb')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.source')}</th>
              <th scope="col">{t('kb.lastSuccess')}</th>
              <th scope="col">{t('kb.dataDate')}</th>
              <th scope="col" className="num">
                {t('kb.records')}
              </th>
              <th scope="col">{t('tokens.state')}</th>
              {compact ? null : <th scope="col">{t('kb.lastError')}</th>}
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((s) => (
              <tr key={s.id}>
                <td title={s.describe}>{s.id}</td>
                <td>{fmtDate(s.lastSuccessAt)}</td>
                <td>{s.dataDate ?? '—'}</td>
                <td className="num">{fmtNumber(s.records)}</td>
                <td>{s.stale ? <span className="badge status-stale">{t('kb.stale')}</span> : <span className="badge status-active">{t('kb.fresh')}</span>}</td>
                {compact ? null : <td>{s.lastError ?? '—'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {compact ? null : (
        <p className="muted">
          {t('kb.totals', { vulns: fmtNumber(q.data.totals.vulnerabilities), kev: fmtNumber(q.data.totals.kev), problems: fmtNumber(q.data.totals.problems) })}
        </p>
      )}
    </>
  );
}
