/**
 * Triage in the UI: the decision badge, the dialog that records a decision (decision, justification, expiry, and on
 * the CVE page the scope: all assets or a product version range), and the API calls behind them. Shown to analysts
 * and admins only (useAuth().can('analyst')); the API refuses viewers anyway.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { z } from 'zod';
import type { FindingTriage, TriageDecisionKind } from '../../../common/api/findings.js';
import type { TriageBulkBody, TriageCreateBody, TriageWriteReply } from '../../../common/api/triage.js';
import { api, type Infer } from '../api/client.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { ErrorBox } from './ui.js';

export type Triage = Infer<typeof FindingTriage>;
type Kind = Infer<typeof TriageDecisionKind>;
type WriteReply = Infer<typeof TriageWriteReply>;
export const TRIAGE_KINDS: Kind[] = ['false_positive', 'accepted_risk', 'mitigated'];
export const triageLabel = (k: string): MessageKey => `triage.kind.${k}` as MessageKey;

export function TriageBadge({ triage }: { triage: Pick<Triage, 'decision' | 'justification' | 'author' | 'expiresAt'> | null }) {
  const { t, fmtDate } = useI18n();
  if (!triage) return null;
  const title = `${triage.justification} — ${triage.author}${triage.expiresAt ? ` · ${t('triage.until', { date: fmtDate(triage.expiresAt) })}` : ''}`;
  return (
    <span className={`badge triage-${triage.decision}`} title={title} data-testid="triage-badge">
      {t(triageLabel(triage.decision))}
    </span>
  );
}

/** Scope text of a decision: which assets, which software, which versions. */
export function scopeText(t: ReturnType<typeof useI18n>['t'], s: { assetId: number | null; hostname?: string | null; softwareName: string | null; versionFrom: string | null; versionTo: string | null }): string {
  const parts = [s.assetId === null ? t('triage.scope.allAssets') : t('triage.scope.asset', { name: s.hostname ?? `#${s.assetId}` })];
  if (s.softwareName !== null) parts.push(s.softwareName);
  if (s.versionFrom !== null || s.versionTo !== null) parts.push(`[${s.versionFrom ?? '…'} ; ${s.versionTo ?? '…'}]`);
  return parts.join(' · ');
}

/** Create (one scope), bulk (one decision per finding), revoke; every answer refreshes the cached lists. */
export function useTriageActions() {
  const qc = useQueryClient();
  const done = async (r: WriteReply) => {
    await qc.invalidateQueries();
    return r;
  };
  return {
    create: async (body: z.input<typeof TriageCreateBody>) => done(await api<WriteReply>('/triage', { method: 'POST', body })),
    bulk: async (body: z.input<typeof TriageBulkBody>) => done(await api<WriteReply>('/triage/bulk', { method: 'POST', body })),
    revoke: async (id: number) => done(await api<WriteReply>(`/triage/${id}`, { method: 'DELETE' })),
  };
}

export interface TriageValues {
  decision: Kind;
  justification: string;
  /** ISO instant (end of the chosen day, local time) or null. */
  expiresAt: string | null;
  scope?: { softwareName: string | null; versionFrom: string | null; versionTo: string | null };
}

/**
 * Modal dialog (role=dialog, labelled fields). Escape or Cancel closes it; focus goes to the decision field on open
 * and back to the opener on close. `products` (CVE page) adds the scope: all assets, or one product's version range.
 */
export function TriageDialog({ title, summary, products, onSubmit, onClose }: { title: string; summary?: string; products?: string[]; onSubmit(v: TriageValues): Promise<unknown>; onClose(): void }) {
  const { t } = useI18n();
  const id = useId();
  const first = useRef<HTMLSelectElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [range, setRange] = useState(false);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    first.current?.focus();
    return () => opener?.focus?.();
  }, []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const day = String(data.get('expiresAt') ?? '');
    const values: TriageValues = {
      decision: String(data.get('decision')) as Kind,
      justification: String(data.get('justification') ?? '').trim(),
      // The decision lasts through the chosen day, in the analyst's time zone.
      expiresAt: day ? new Date(`${day}T23:59:59`).toISOString() : null,
    };
    if (products && range) {
      const text = (k: string) => String(data.get(k) ?? '').trim() || null;
      values.scope = { softwareName: text('softwareName'), versionFrom: text('versionFrom'), versionTo: text('versionTo') };
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onKeyDown={onKey}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={summary ? `${id}-summary` : undefined}>
        <h2 id={`${id}-title`}>{title}</h2>
        {summary ? <p id={`${id}-summary`} className="muted">{summary}</p> : null}
        <form className="triage-form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-decision`}>{t('triage.decision')}</label>
            <select id={`${id}-decision`} name="decision" ref={first} required defaultValue="false_positive">
              {TRIAGE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(triageLabel(k))}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-justification`}>{t('triage.justification')}</label>
            <textarea id={`${id}-justification`} name="justification" required minLength={1} maxLength={4000} rows={4} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-expires`}>{t('triage.expiresAt')}</label>
            <input id={`${id}-expires`} name="expiresAt" type="date" min={new Date().toISOString().slice(0, 10)} />
          </div>
          {products ? (
            <fieldset>
              <legend>{t('triage.scope')}</legend>
              <label className="radio">
                <input type="radio" name="scopeKind" value="all" checked={!range} onChange={() => setRange(false)} /> {t('triage.scope.allAssets')}
              </label>
              <label className="radio">
                <input type="radio" name="scopeKind" value="range" checked={range} onChange={() => setRange(true)} /> {t('triage.scope.range')}
              </label>
              {range ? (
                <>
                  <div className="field">
                    <label htmlFor={`${id}-product`}>{t('triage.product')}</label>
                    <select id={`${id}-product`} name="softwareName" required>
                      {products.map((p) => (
                        <option key={p} value={p}>
                          {p}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor={`${id}-from`}>{t('triage.versionFrom')}</label>
                    <input id={`${id}-from`} name="versionFrom" maxLength={200} />
                  </div>
                  <div className="field">
                    <label htmlFor={`${id}-to`}>{t('triage.versionTo')}</label>
                    <input id={`${id}-to`} name="versionTo" maxLength={200} />
                  </div>
                  <p className="muted">{t('triage.rangeHint')}</p>
                </>
              ) : null}
            </fieldset>
          ) : null}
          {error ? <ErrorBox error={error} /> : null}
          <div className="modal-actions">
            <button type="button" onClick={onClose}>
              {t('triage.cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {t('triage.save')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
