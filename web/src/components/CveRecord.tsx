/**
 * A CVE as the knowledge base holds it: description, scores, CVSS vectors, KEV, references (http/https only:
 * other schemes such as javascript: are shown as text, never as links), affected ranges and distro fixes.
 */
import type { VulnerabilityDetailReply } from '../../../common/api/kb.js';
import type { Infer } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { KeyValue, SeverityBadge } from './ui.js';

type Detail = Infer<typeof VulnerabilityDetailReply>;

const safeUrl = (u: string) => /^https?:\/\//i.test(u);

export function CveRecord({ v }: { v: Detail }) {
  const { t, fmtDate } = useI18n();
  return (
    <>
      {v.title ? <p className="lead">{v.title}</p> : null}
      <p>
        <SeverityBadge severity={v.severity} /> {v.kev ? <span className="badge kev">KEV</span> : null} {v.withdrawn ? <span className="badge">{t('cve.withdrawn')}</span> : null}
      </p>
      {v.description ? <p className="description">{v.description}</p> : null}
      <KeyValue
        rows={[
          ['CVSS', v.cvssScore !== null ? `${v.cvssScore} ${v.cvssVector ?? ''}` : null],
          ['EPSS', v.epss !== null ? `${v.epss.toFixed(4)} (${t('cve.percentile')} ${v.epssPercentile?.toFixed(2) ?? '—'})` : null],
          [t('cve.kevDue'), v.kevDueDate],
          [t('cve.published'), fmtDate(v.publishedAt)],
          [t('cve.modified'), fmtDate(v.modifiedAt)],
          ['CWE', v.cwes.join(', ')],
        ]}
      />
      {v.cvss.length ? (
        <>
          <h3>{t('cve.vectors')}</h3>
          <ul>
            {v.cvss.map((c, i) => (
              <li key={i}>
                <code>{c.vector}</code> {c.score ?? ''} {c.severity ?? ''} <span className="muted">({c.source ?? c.from})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {v.rules.length ? (
        <>
          <h3>{t('cve.ranges')}</h3>
          <div className="table-wrap">
            <table className="compact">
              <caption className="sr-only">{t('cve.ranges')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('kb.source')}</th>
                  <th scope="col">{t('cve.product')}</th>
                  <th scope="col">{t('cve.range')}</th>
                </tr>
              </thead>
              <tbody>
                {v.rules.map((r) => (
                  <tr key={r.id}>
                    <td>{r.source}</td>
                    <td>
                      {r.vendor}:{r.product}
                    </td>
                    <td>{r.range}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {v.distroFixes.length ? (
        <>
          <h3>{t('cve.fixes')}</h3>
          <div className="table-wrap">
            <table className="compact">
              <caption className="sr-only">{t('cve.fixes')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cve.distro')}</th>
                  <th scope="col">{t('cve.package')}</th>
                  <th scope="col">{t('vulns.fixed')}</th>
                  <th scope="col">{t('tokens.state')}</th>
                </tr>
              </thead>
              <tbody>
                {v.distroFixes.map((f, i) => (
                  <tr key={i}>
                    <td>
                      {f.distro} {f.release}
                    </td>
                    <td>{f.package}</td>
                    <td>{f.fixedVersion ?? '—'}</td>
                    <td>{f.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {v.references.length ? (
        <>
          <h3>{t('cve.references')}</h3>
          <ul className="references">
            {v.references.map((r) => (
              <li key={r}>
                {safeUrl(r) ? (
                  <a href={r} rel="noopener noreferrer nofollow" target="_blank">
                    {r}
                  </a>
                ) : (
                  r
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
