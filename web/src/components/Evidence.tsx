/**
 * Why a CVE was matched: the matcher's evidence (inventory fields → identity → source record → range or fixed
 * version → verdict). The evidence shape belongs to the matcher; known steps are shown in that order, anything
 * else after them, all as text.
 */
import { useI18n } from '../i18n/index.js';
import { KeyValue, text } from './ui.js';

const ORDER = ['inventory', 'software', 'identity', 'cpe', 'source', 'record', 'rule', 'range', 'comparison', 'fixedVersion', 'verdict'];

export function Evidence({ evidence }: { evidence: Record<string, unknown> }) {
  const { t } = useI18n();
  const keys = Object.keys(evidence).sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  if (!keys.length) return <p className="muted">{t('vulns.noEvidence')}</p>;
  return (
    <ol className="evidence" aria-label={t('vulns.evidence')}>
      {keys.map((k) => {
        const v = evidence[k];
        return (
          <li key={k}>
            <h4>{k}</h4>
            {v && typeof v === 'object' && !Array.isArray(v) ? <KeyValue rows={Object.entries(v as Record<string, unknown>)} /> : <p>{text(v)}</p>}
          </li>
        );
      })}
    </ol>
  );
}
