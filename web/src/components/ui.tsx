/** Small building blocks: loading/error/not-available states, key/value lists, tabs, pager, badges. */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  const msg = error instanceof ApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <strong>{t('common.error')}</strong> {msg}
    </div>
  );
}

/** Shown where the API for a feature is not in this server yet; the probe re-checks every minute. */
export function NotAvailable({ feature }: { feature: string }) {
  const { t } = useI18n();
  return (
    <div className="not-available" role="status">
      <strong>{t('common.notAvailable')}</strong>
      <p>{t('common.notAvailableHint', { feature })}</p>
    </div>
  );
}

/** Any value from an inventory, as text: objects and arrays as compact JSON, never markup. */
export function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function KeyValue({ rows, labelWidth }: { rows: [string, unknown][]; labelWidth?: string }) {
  return (
    <dl className="kv" style={labelWidth ? { gridTemplateColumns: `${labelWidth} 1fr` } : undefined}>
      {rows.map(([k, v]) => (
        <div key={k} className="kv-row">
          <dt>{k}</dt>
          <dd>{text(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A table of records whose columns are not known in advance (interfaces, services, volumes). */
export function RecordTable({ rows, caption }: { rows: Record<string, unknown>[]; caption: string }) {
  const { t } = useI18n();
  if (!rows.length) return <p className="muted">{t('common.none')}</p>;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'id' && c !== 'asset_id' && c !== 'assetId');
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c}>{text(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface TabDef {
  id: string;
  label: string;
}

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs. */
export function Tabs({ tabs, current, onChange, label }: { tabs: TabDef[]; current: string; onChange(id: string): void; label: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next]!.id);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {tabs.map((tab, i) => (
        <button
          key={tab.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === current}
          aria-controls={`panel-${tab.id}`}
          tabIndex={tab.id === current ? 0 : -1}
          onClick={() => onChange(tab.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} tabIndex={0} className="tabpanel">
      {children}
    </div>
  );
}

/** Cursor pager: a stack of cursors gives "previous" without server support. */
export function Pager({ hasPrev, hasNext, onPrev, onNext, onFirst, info }: { hasPrev: boolean; hasNext: boolean; onPrev(): void; onNext(): void; onFirst(): void; info?: string }) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <button type="button" onClick={onFirst} disabled={!hasPrev}>
        {t('common.first')}
      </button>
      <button type="button" onClick={onPrev} disabled={!hasPrev}>
        {t('common.previous')}
      </button>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        {t('common.next')}
      </button>
      {info ? <span className="muted">{info}</span> : null}
    </nav>
  );
}

const severityKey: Record<string, MessageKey> = {
  critical: 'severity.critical',
  high: 'severity.high',
  medium: 'severity.medium',
  low: 'severity.low',
  none: 'severity.none',
};

export function SeverityBadge({ severity }: { severity: string | null }) {
  const { t } = useI18n();
  const s = severity ?? 'none';
  return <span className={`badge sev-${s}`}>{severityKey[s] ? t(severityKey[s]) : s}</span>;
}

const statusKey: Record<string, MessageKey> = { active: 'status.active', stale: 'status.stale', blocked: 'status.blocked', merged: 'status.merged' };

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`}>{statusKey[status] ? t(statusKey[status]) : status}</span>;
}
