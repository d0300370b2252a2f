/** Fleet software: name and version → how many assets; a row opens the assets that have it. */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { SoftwareAssetsReply, SoftwareListReply } from '../../../common/api/software.js';
import { qs, type Infer } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ErrorBox, Loading, Pager } from '../components/ui.js';
import { useI18n } from '../i18n/index.js';

type Page = Infer<typeof SoftwareListReply>;
type Holders = Infer<typeof SoftwareAssetsReply>;

function HoldersList({ name, version }: { name: string; version: string | null }) {
  const { t } = useI18n();
  const q = useApi<Holders>(`/software/assets${qs({ name, version: version ?? undefined, limit: 200 })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <ul className="holders" aria-label={t('software.holders', { name })}>
      {q.data.items.map((h) => (
        <li key={h.assetId}>
          <Link to={`/assets/${h.assetId}?tab=software`}>{h.hostname ?? `#${h.assetId}`}</Link> <span className="muted">{h.version ?? ''}</span>
        </li>
      ))}
      {q.data.nextCursor ? <li className="muted">…</li> : null}
    </ul>
  );
}

export function SoftwarePage() {
  const { t, fmtNumber } = useI18n();
  const [params, setParams] = useSearchParams();
  const name = params.get('name') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => setCursors([]), [name]);
  const q = useApi<Page>(`/software${qs({ name, limit: 100, cursor: cursors[cursors.length - 1] })}`);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('name') ?? '').trim();
    setParams(v ? { name: v } : {});
  };
  return (
    <section aria-labelledby="sw-title">
      <h1 id="sw-title">{t('software.title')}</h1>
      <form className="filters" onSubmit={submit} role="search" key={name}>
        <label>
          {t('assets.filter.name')}
          <input name="name" type="search" defaultValue={name} />
        </label>
        <button type="submit" className="primary">
          {t('common.apply')}
        </button>
      </form>
      {q.isPending ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t('software.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('software.name')}</th>
                <th scope="col">{t('software.version')}</th>
                <th scope="col">{t('software.origin')}</th>
                <th scope="col" className="num">
                  {t('dashboard.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((s) => {
                const key = `${s.name}\u0000${s.version ?? ''}\u0000${s.origin}`;
                return (
                  <tr key={key}>
                    <td>{s.name}</td>
                    <td>{s.version ?? '—'}</td>
                    <td>{s.origin}</td>
                    <td className="num">
                      <button type="button" className="linklike" aria-expanded={open === key} onClick={() => setOpen(open === key ? null : key)}>
                        {fmtNumber(s.assets)}
                      </button>
                      {open === key ? <HoldersList name={s.name} version={s.version} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        hasPrev={cursors.length > 0}
        hasNext={Boolean(q.data?.nextCursor)}
        onFirst={() => setCursors([])}
        onPrev={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => q.data?.nextCursor && setCursors((c) => [...c, q.data.nextCursor!])}
      />
    </section>
  );
}
