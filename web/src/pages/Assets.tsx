/**
 * The assets table: filtered, sorted and paginated by the server (cursor), so it stays fast at any fleet size;
 * filters live in the URL (the dashboard links here); column chooser (remembered); CSV export of every match.
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type VisibilityState } from '@tanstack/react-table';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { AssetsListReply, AssetSummary } from '../../../common/api/assets.js';
import { api, qs, type Infer } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ASSET_FILTERS as FILTERS, ASSETS_DEFAULT_LIMIT, assetsListPath } from '../api/paths.js';
import { ErrorBox, Loading, Pager, StatusBadge } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Page = Infer<typeof AssetsListReply>;
const SORTABLE: Record<string, [string, string]> = { hostname: ['hostname', '-hostname'], lastSeenAt: ['lastSeen', '-lastSeen'], id: ['id', '-id'] };
const COLS_KEY = 'vigie.assets.columns';
const DEFAULT_HIDDEN: VisibilityState = { fqdn: false, vendor: false, serial: false, macs: false, tag: false, sourceFormat: false, firstSeenAt: false, agent: false };

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
  // Quote, double the quotes, and defuse spreadsheet formulas (=, +, -, @ at the start).
  return `"${(/^[=+\-@\t\r]/.test(s) ? "'" + s : s).replace(/"/g, '""')}"`;
};

export function AssetsPage() {
  const { t, fmtDate, fmtNumber } = useI18n();
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<string[]>([]);
  const [limit, setLimit] = useState(ASSETS_DEFAULT_LIMIT);
  const [exporting, setExporting] = useState<string | null>(null);
  const [visibility, setVisibility] = useState<VisibilityState>(() => {
    try {
      return { ...DEFAULT_HIDDEN, ...(JSON.parse(localStorage.getItem(COLS_KEY) ?? '{}') as VisibilityState) };
    } catch {
      return DEFAULT_HIDDEN;
    }
  });
  useEffect(() => localStorage.setItem(COLS_KEY, JSON.stringify(visibility)), [visibility]);

  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const sort = params.get('sort') ?? 'hostname';
  const cursor = cursors[cursors.length - 1];
  const filterKey = params.toString();
  useEffect(() => setCursors([]), [filterKey, limit]);
  // Filters (and the dashboard's seenSince), sort, page size, cursor: the path the entry prefetches on a first load.
  const q = useApi<Page>(assetsListPath(params, limit, cursor));

  const columns = useMemo<ColumnDef<AssetSummary>[]>(
    () => [
      { id: 'hostname', header: t('assets.col.hostname'), cell: ({ row }) => <Link to={`/assets/${row.original.id}`}>{row.original.hostname ?? row.original.fqdn ?? `#${row.original.id}`}</Link> },
      { id: 'fqdn', header: 'FQDN', accessorFn: (a) => a.fqdn },
      { id: 'kind', header: t('assets.col.kind'), accessorFn: (a) => a.kind },
      { id: 'os', header: t('assets.col.os'), accessorFn: (a) => a.os.fullName ?? [a.os.name, a.os.version].filter(Boolean).join(' ') },
      { id: 'status', header: t('assets.col.status'), cell: ({ row }) => <StatusBadge status={row.original.status} /> },
      { id: 'ipAddress', header: t('assets.col.ip'), accessorFn: (a) => a.ipAddress },
      { id: 'vendor', header: t('assets.col.vendor'), accessorFn: (a) => [a.vendor, a.model].filter(Boolean).join(' ') },
      { id: 'serial', header: t('assets.col.serial'), accessorFn: (a) => a.serial },
      { id: 'macs', header: 'MAC', accessorFn: (a) => a.macs.join(', ') },
      { id: 'tag', header: 'TAG', accessorFn: (a) => a.tag },
      { id: 'softwareCount', header: t('assets.col.software'), accessorFn: (a) => fmtNumber(a.softwareCount), meta: { num: true } },
      { id: 'sourceFormat', header: t('assets.col.source'), accessorFn: (a) => a.sourceFormat },
      { id: 'agent', header: t('assets.col.agent'), accessorFn: (a) => a.userAgent },
      { id: 'firstSeenAt', header: t('assets.col.firstSeen'), accessorFn: (a) => fmtDate(a.firstSeenAt) },
      { id: 'lastSeenAt', header: t('assets.col.lastSeen'), accessorFn: (a) => fmtDate(a.lastSeenAt) },
      { id: 'id', header: 'ID', accessorFn: (a) => a.id, meta: { num: true } },
    ],
    [t, fmtDate, fmtNumber],
  );
  const table = useReactTable({
    data: q.data?.items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    state: { columnVisibility: visibility },
    onColumnVisibilityChange: setVisibility,
  });

  const setFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = String(data.get(f) ?? '').trim();
      if (v) next.set(f, v);
    }
    if (sort !== 'hostname') next.set('sort', sort);
    setParams(next);
  };
  const toggleSort = (colId: string) => {
    const [asc, desc] = SORTABLE[colId]!;
    const next = new URLSearchParams(params);
    next.set('sort', sort === asc ? desc : asc);
    setParams(next);
  };
  const exportCsv = async () => {
    const header = table.getVisibleLeafColumns().map((c) => c.id);
    const lines = [header.map(csvCell).join(',')];
    let next: string | null | undefined;
    let n = 0;
    try {
      do {
        const page: Page = await api<Page>(`/assets${qs({ ...filters, sort, limit: 500, cursor: next ?? undefined })}`);
        for (const a of page.items) {
          const values: Record<string, unknown> = {
            hostname: a.hostname, fqdn: a.fqdn, kind: a.kind, os: a.os.fullName ?? a.os.name, status: a.status, ipAddress: a.ipAddress,
            vendor: [a.vendor, a.model].filter(Boolean).join(' '), serial: a.serial, macs: a.macs, tag: a.tag, softwareCount: a.softwareCount,
            sourceFormat: a.sourceFormat, agent: a.userAgent, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt, id: a.id,
          };
          lines.push(header.map((h) => csvCell(values[h])).join(','));
        }
        n += page.items.length;
        setExporting(t('assets.exporting', { n: fmtNumber(n) }));
        next = page.nextCursor;
      } while (next);
      const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `vigie-assets-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExporting(t('assets.exported', { n: fmtNumber(n) }));
    } catch (e) {
      setExporting(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section aria-labelledby="assets-title">
      <h1 id="assets-title">{t('assets.title')}</h1>
      <form className="filters" onSubmit={setFilter} key={filterKey} role="search" aria-label={t('assets.filters')}>
        <label>
          {t('assets.filter.name')}
          <input name="name" defaultValue={filters.name} type="search" data-testid="filter-name" />
        </label>
        <label>
          {t('assets.col.kind')}
          <input name="kind" defaultValue={filters.kind} />
        </label>
        <label>
          {t('assets.col.os')}
          <input name="os" defaultValue={filters.os} />
        </label>
        <label>
          {t('assets.col.status')}
          <select name="status" defaultValue={filters.status}>
            <option value="">{t('common.all')}</option>
            {(['active', 'stale', 'blocked', 'merged'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          TAG
          <input name="tag" defaultValue={filters.tag} />
        </label>
        <button type="submit" className="primary">
          {t('common.apply')}
        </button>
        <button type="button" onClick={() => setParams(new URLSearchParams())}>
          {t('common.reset')}
        </button>
      </form>
      <div className="toolbar">
        <details className="column-chooser">
          <summary>{t('assets.columns')}</summary>
          <fieldset>
            <legend className="sr-only">{t('assets.columns')}</legend>
            {table.getAllLeafColumns().map((c) => (
              <label key={c.id}>
                <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} disabled={c.id === 'hostname'} /> {String(c.columnDef.header)}
              </label>
            ))}
          </fieldset>
        </details>
        <label>
          {t('common.pageSize')}{' '}
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {[25, 50, 100, 200, 500].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void exportCsv()}>
          {t('assets.exportCsv')}
        </button>
        {exporting ? (
          <span className="muted" role="status">
            {exporting}
          </span>
        ) : null}
      </div>
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table data-testid="assets-table">
            <caption className="sr-only">{t('assets.title')}</caption>
            <thead>
              {table.getHeaderGroups().map((hg) => (
                <tr key={hg.id}>
                  {hg.headers.map((h) => {
                    const s = SORTABLE[h.column.id];
                    const dir = s ? (sort === s[0] ? 'ascending' : sort === s[1] ? 'descending' : 'none') : undefined;
                    const label = flexRender(h.column.columnDef.header, h.getContext());
                    return (
                      <th key={h.id} scope="col" aria-sort={dir} className={(h.column.columnDef.meta as { num?: boolean } | undefined)?.num ? 'num' : undefined}>
                        {s ? (
                          <button type="button" className="sort" onClick={() => toggleSort(h.column.id)}>
                            {label} <span aria-hidden="true">{dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}</span>
                          </button>
                        ) : (
                          label
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {table.getRowModel().rows.map((r) => (
                <tr key={r.id}>
                  {r.getVisibleCells().map((c) => (
                    <td key={c.id} className={(c.column.columnDef.meta as { num?: boolean } | undefined)?.num ? 'num' : undefined}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
              {!q.data?.items.length ? (
                <tr>
                  <td colSpan={table.getVisibleLeafColumns().length} className="muted">
                    {t('assets.empty')}
                  </td>
                </tr>
              ) : null}
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
        info={t('common.pageN', { n: cursors.length + 1 })}
      />
    </section>
  );
}
