/**
 * One asset, in tabs: overview (identity, OS, hardware), software (with finding badges when the findings API is
 * there), drivers & firmware, network (interfaces, LLDP/CDP neighbours), services & volumes (with state), vulnerabilities (with the matcher's evidence and triage), history, receipts (raw
 * payloads downloadable). Every value from the inventory is rendered as text.
 */
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { AssetChangesReply, AssetDetailReply, AssetSoftwareReply } from '../../../common/api/assets.js';
import type { AssetFindingsReply } from '../../../common/api/findings.js';
import type { ReceiptsListReply } from '../../../common/api/receipts.js';
import { qs, type Infer } from '../api/client.js';
import { useApi, useProbe } from '../api/hooks.js';
import { useAuth } from '../auth.js';
import { Evidence } from '../components/Evidence.js';
import { TriageBadge, TriageDialog, scopeText, useTriageActions } from '../components/Triage.js';
import { ErrorBox, KeyValue, Loading, NotAvailable, Pager, RecordTable, SeverityBadge, StatusBadge, TabPanel, Tabs, text } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Detail = Infer<typeof AssetDetailReply>;
type SoftwarePage = Infer<typeof AssetSoftwareReply>;
type ChangesPage = Infer<typeof AssetChangesReply>;
type ReceiptsPage = Infer<typeof ReceiptsListReply>;
type FindingsPage = Infer<typeof AssetFindingsReply>;

const TABS = ['overview', 'software', 'drivers', 'network', 'services', 'vulnerabilities', 'history', 'receipts'] as const;
type Tab = (typeof TABS)[number];

function useCursors() {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    depth: stack.length,
    reset: () => setStack([]),
    push: (c: string) => setStack((s) => [...s, c]),
    pop: () => setStack((s) => s.slice(0, -1)),
  };
}

function Overview({ a }: { a: Detail }) {
  const { t, fmtDate } = useI18n();
  const sections = a.sections as Record<string, unknown>;
  const hardwareKeys = Object.keys(sections).filter((k) => !['os', 'identity'].includes(k));
  return (
    <div className="grid-2">
      <div className="card">
        <h2>{t('asset.identity')}</h2>
        <KeyValue
          rows={[
            [t('assets.col.hostname'), a.hostname],
            ['FQDN', a.fqdn],
            [t('assets.col.kind'), a.kind],
            [t('assets.col.status'), a.status],
            [t('assets.col.ip'), a.ipAddress],
            ['MAC', a.macs.join(', ')],
            ['TAG', a.tag],
            ['Device ID', a.deviceId],
            ['Agent ID', a.agentId],
            ['UUID', a.uuid],
            [t('assets.col.serial'), a.serial],
            [t('assets.col.vendor'), [a.vendor, a.model].filter(Boolean).join(' ')],
            [t('assets.col.source'), a.sourceFormat],
            [t('assets.col.agent'), a.userAgent],
            [t('assets.col.firstSeen'), fmtDate(a.firstSeenAt)],
            [t('assets.col.lastSeen'), fmtDate(a.lastSeenAt)],
            [t('asset.lastInventory'), fmtDate(a.lastInventoryAt)],
            ...a.identifiers.map((i): [string, unknown] => [`id:${i.kind}`, i.value]),
          ]}
        />
      </div>
      <div className="card">
        <h2>{t('asset.os')}</h2>
        <KeyValue
          rows={[
            [t('asset.osName'), a.os.name],
            [t('asset.osVersion'), a.os.version],
            [t('asset.osFull'), a.os.fullName],
            [t('asset.arch'), a.os.arch],
            [t('asset.kernel'), a.os.kernel],
          ]}
        />
        {a.accountInfo.length ? (
          <>
            <h3>{t('asset.accountInfo')}</h3>
            <KeyValue rows={a.accountInfo.map((i): [string, unknown] => [i.key, i.value])} />
          </>
        ) : null}
      </div>
      {hardwareKeys.map((k) => {
        const v = sections[k];
        return (
          <div className="card" key={k}>
            <h2>{k}</h2>
            {Array.isArray(v) ? (
              <RecordTable rows={v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)} caption={k} />
            ) : v && typeof v === 'object' ? (
              <KeyValue rows={Object.entries(v as Record<string, unknown>)} />
            ) : (
              <p>{text(v)}</p>
            )}
          </div>
        );
      })}
    </div>
  );
}

function SoftwareTab({ id, findings }: { id: number; findings: FindingsPage | undefined }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const c = useCursors();
  const q = useApi<SoftwarePage>(`/assets/${id}/software${qs({ name, limit: 100, cursor: c.cursor })}`);
  const counts = new Map<string, number>();
  // Open and untriaged: what is still to do (a triaged finding is not counted).
  for (const f of findings?.items ?? []) if (f.status === 'open' && !f.triage) counts.set(`${f.software.name}\u0000${f.software.version ?? ''}`, (counts.get(`${f.software.name}\u0000${f.software.version ?? ''}`) ?? 0) + 1);
  return (
    <>
      <label className="inline-filter">
        {t('asset.filterSoftware')}{' '}
        <input
          type="search"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            c.reset();
          }}
        />
      </label>
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table data-testid="software-table">
            <caption className="sr-only">{t('asset.tab.software')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('software.name')}</th>
                <th scope="col">{t('software.version')}</th>
                <th scope="col">{t('software.publisher')}</th>
                <th scope="col">{t('software.arch')}</th>
                <th scope="col">{t('software.origin')}</th>
                <th scope="col">{t('software.findings')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data?.items.map((s) => {
                const n = counts.get(`${s.name}\u0000${s.version ?? ''}`);
                return (
                  <tr key={s.id}>
                    <td className="sw-name">{s.name}</td>
                    <td>{s.version ?? '—'}</td>
                    <td>{s.publisher ?? '—'}</td>
                    <td>{s.arch ?? '—'}</td>
                    <td>{s.origin}</td>
                    <td>{n ? <span className="badge sev-high">{t('software.openFindings', { n })}</span> : findings ? '' : '·'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager hasPrev={c.depth > 0} hasNext={Boolean(q.data?.nextCursor)} onFirst={c.reset} onPrev={c.pop} onNext={() => q.data?.nextCursor && c.push(q.data.nextCursor)} />
    </>
  );
}

function VulnerabilitiesTab({ id, available, findings, error }: { id: number; available: 'yes' | 'no' | 'unknown'; findings: FindingsPage | undefined; error: unknown }) {
  const { t, fmtDate } = useI18n();
  const { can } = useAuth();
  const canTriage = can('analyst');
  const [open, setOpen] = useState<number | null>(null);
  const [triaging, setTriaging] = useState<FindingsPage['items'][number] | null>(null);
  const triage = useTriageActions();
  if (available === 'unknown') return <Loading />;
  if (available === 'no') return <NotAvailable feature={t('asset.tab.vulnerabilities')} />;
  if (error) return <ErrorBox error={error} />;
  if (!findings) return <Loading />;
  if (!findings.items.length) return <p className="muted">{t('vulns.noneForAsset')}</p>;
  return (
    <div className="table-wrap">
      {triaging ? (
        <TriageDialog
          title={t('triage.findingTitle', { cve: triaging.vulnerabilityId, software: triaging.software.name })}
          summary={t('triage.findingSummary')}
          onClose={() => setTriaging(null)}
          onSubmit={(v) => triage.create({ vulnerabilityId: triaging.vulnerabilityId, decision: v.decision, justification: v.justification, expiresAt: v.expiresAt, scope: { assetId: id, softwareName: triaging.software.name } })}
        />
      ) : null}
      <table data-testid="asset-findings">
        <caption className="sr-only">{t('asset.tab.vulnerabilities')}</caption>
        <thead>
          <tr>
            <th scope="col">CVE</th>
            <th scope="col">{t('vulns.severity')}</th>
            <th scope="col">{t('software.name')}</th>
            <th scope="col">{t('software.version')}</th>
            <th scope="col">{t('vulns.fixed')}</th>
            <th scope="col">KEV</th>
            <th scope="col">{t('vulns.status')}</th>
            <th scope="col">{t('vulns.firstSeen')}</th>
            <th scope="col">{t('triage.column')}</th>
            <th scope="col">{t('vulns.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {findings.items.map((f) => (
            <FindingRows
              key={f.id}
              f={f}
              open={open === f.id}
              toggle={() => setOpen(open === f.id ? null : f.id)}
              fmtDate={fmtDate}
              assetId={id}
              onTriage={canTriage ? () => setTriaging(f) : null}
              onRevoke={canTriage && f.triage ? () => void triage.revoke(f.triage!.id) : null}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FindingRows({
  f, open, toggle, fmtDate, onTriage, onRevoke,
}: { f: FindingsPage['items'][number]; open: boolean; toggle(): void; fmtDate(s: string | null): string; assetId: number; onTriage: (() => void) | null; onRevoke: (() => void) | null }) {
  const { t } = useI18n();
  const label = { cve: f.vulnerabilityId, software: f.software.name };
  return (
    <>
      <tr>
        <td>
          <Link to={`/vulnerabilities/${encodeURIComponent(f.vulnerabilityId)}`}>{f.vulnerabilityId}</Link>
        </td>
        <td>
          <SeverityBadge severity={f.severity} />
        </td>
        <td>{f.software.name}</td>
        <td>{f.software.version ?? '—'}</td>
        <td>{f.fixedVersion ?? '—'}</td>
        <td>{f.kev ? <span className="badge kev">KEV</span> : ''}</td>
        <td>{f.status}</td>
        <td>{fmtDate(f.firstSeenAt)}</td>
        <td className="triage-cell">
          {f.triage ? (
            <>
              <TriageBadge triage={f.triage} />
              <span className="triage-why">
                {f.triage.justification} — {f.triage.author}
                {f.triage.expiresAt ? ` · ${t('triage.until', { date: fmtDate(f.triage.expiresAt) })}` : ''} · {scopeText(t, { ...f.triage.scope, hostname: f.hostname })}
              </span>
              {onRevoke ? (
                <button type="button" onClick={onRevoke} aria-label={t('triage.revokeFor', label)}>
                  {f.triage.scope.assetId === null ? t('triage.revokeAll') : t('triage.revoke')}
                </button>
              ) : null}
            </>
          ) : onTriage ? (
            <button type="button" onClick={onTriage} aria-label={t('triage.triageFor', label)}>
              {t('triage.triageButton')}
            </button>
          ) : (
            <span className="muted">{t('triage.untriaged')}</span>
          )}
        </td>
        <td>
          <button type="button" aria-expanded={open} onClick={toggle}>
            {open ? t('vulns.hideEvidence') : t('vulns.showEvidence')}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="evidence-row">
          <td colSpan={10}>
            <Evidence evidence={f.evidence ?? {}} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function HistoryTab({ id }: { id: number }) {
  const { t, fmtDate } = useI18n();
  const c = useCursors();
  const q = useApi<ChangesPage>(`/assets/${id}/changes${qs({ limit: 100, cursor: c.cursor })}`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <p className="muted">{t('asset.noChanges')}</p>;
  return (
    <>
      <ol className="timeline">
        {q.data.items.map((ch) => (
          <li key={ch.id}>
            <time dateTime={ch.changedAt}>{fmtDate(ch.changedAt)}</time>
            <span className={`badge change-${ch.kind}`}>{ch.kind}</span>
            <span className="subject">{ch.subject}</span>
            {ch.oldValue !== null || ch.newValue !== null ? (
              <span className="change">
                {ch.oldValue ?? '∅'} → {ch.newValue ?? '∅'}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <Pager hasPrev={c.depth > 0} hasNext={Boolean(q.data.nextCursor)} onFirst={c.reset} onPrev={c.pop} onNext={() => q.data.nextCursor && c.push(q.data.nextCursor)} />
    </>
  );
}

function ReceiptsTab({ id }: { id: number }) {
  const { t, fmtDate, fmtNumber } = useI18n();
  const q = useApi<ReceiptsPage>(`/assets/${id}/receipts?limit=100`);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{t('asset.tab.receipts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('receipts.receivedAt')}</th>
            <th scope="col">{t('receipts.protocol')}</th>
            <th scope="col">{t('receipts.outcome')}</th>
            <th scope="col" className="num">
              {t('receipts.size')}
            </th>
            <th scope="col">{t('receipts.from')}</th>
            <th scope="col">{t('assets.col.agent')}</th>
            <th scope="col">{t('receipts.payload')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((r) => (
            <tr key={r.id}>
              <td>{fmtDate(r.receivedAt)}</td>
              <td>
                {r.protocol}
                {r.query ? ` · ${r.query}` : ''}
              </td>
              <td>
                {r.outcome}
                {r.errorCode ? ` (${r.errorCode})` : ''}
              </td>
              <td className="num">{fmtNumber(r.sizeBytes)}</td>
              <td>{r.remoteAddress ?? '—'}</td>
              <td>{r.userAgent ?? '—'}</td>
              <td>{r.hasPayload ? <a href={`/api/v1/receipts/${r.id}/payload`} download={`receipt-${r.id}.bin`}>{t('receipts.download')}</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A section the agent sent (object or list of records), rendered as text. */
function SectionBlock({ name, value }: { name: string; value: unknown }) {
  if (Array.isArray(value)) return <RecordTable rows={value.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)} caption={name} />;
  if (value && typeof value === 'object') return <KeyValue rows={Object.entries(value as Record<string, unknown>)} />;
  return <p>{text(value)}</p>;
}

const rowsOf = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : v && typeof v === 'object' ? [v as Record<string, unknown>] : []);
const FIRMWARE_SECTIONS = ['bios', 'firmwares', 'modules', 'network_components'];

/**
 * Drivers and firmware: what the CVE matcher sees (software rows with origin driver / firmware / os, e.g. the
 * Vigie agent's VIGIE_DRIVERS and an SNMP device's OS), then what the agent reported about them in its own
 * sections (BIOS, GLPI firmwares, SNMP entity modules, controllers and interfaces with their kernel driver).
 */
function DriversTab({ id, a }: { id: number; a: Detail }) {
  const { t } = useI18n();
  const q = useApi<SoftwarePage>(`/assets/${id}/software${qs({ origin: 'driver,firmware,os', limit: 500 })}`);
  const sections = a.sections as Record<string, unknown>;
  const controllers = rowsOf(sections.controllers).filter((c) => c.driver !== undefined && c.driver !== null && c.driver !== '');
  const nicDrivers = a.interfaces.filter((i) => typeof i.driver === 'string' && i.driver);
  const present = FIRMWARE_SECTIONS.filter((k) => sections[k] !== undefined && rowsOf(sections[k]).length);
  return (
    <>
      <h2>{t('asset.matchedComponents')}</h2>
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : q.data?.items.length ? (
        <div className="table-wrap">
          <table data-testid="drivers-table">
            <caption className="sr-only">{t('asset.matchedComponents')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('software.name')}</th>
                <th scope="col">{t('software.version')}</th>
                <th scope="col">{t('software.publisher')}</th>
                <th scope="col">{t('software.origin')}</th>
                <th scope="col">{t('asset.details')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((s) => (
                <tr key={s.id}>
                  <td className="sw-name">{s.name}</td>
                  <td>{s.version ?? '—'}</td>
                  <td>{s.publisher ?? '—'}</td>
                  <td className="nowrap">{t(`asset.origin.${s.origin}` as MessageKey)}</td>
                  <td>{Object.entries(s.extra).map(([k, v]) => `${k}=${v}`).join(' · ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('asset.noMatchedComponents')}</p>
      )}
      {present.map((k) => (
        <div key={k}>
          <h2>{t('asset.section', { name: k })}</h2>
          <SectionBlock name={k} value={sections[k]} />
        </div>
      ))}
      <h2>{t('asset.deviceDrivers')}</h2>
      {controllers.length || nicDrivers.length ? (
        <div className="table-wrap">
          <table data-testid="device-drivers">
            <caption className="sr-only">{t('asset.deviceDrivers')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('asset.device')}</th>
                <th scope="col">{t('assets.col.vendor')}</th>
                <th scope="col">{t('asset.driver')}</th>
                <th scope="col">{t('asset.busId')}</th>
              </tr>
            </thead>
            <tbody>
              {controllers.map((c, i) => (
                <tr key={`c${i}`}>
                  <td>{text(c.name ?? c.caption ?? c.type)}</td>
                  <td>{text(c.manufacturer)}</td>
                  <td>{text(c.driver)}</td>
                  <td>{text(c.pcislot ?? c.pciid)}</td>
                </tr>
              ))}
              {nicDrivers.map((n, i) => (
                <tr key={`n${i}`}>
                  <td>{text(n.name)}</td>
                  <td>{text(n.description)}</td>
                  <td>{text(n.driver)}</td>
                  <td>{text(n.extra && typeof n.extra === 'object' ? (n.extra as Record<string, unknown>).pcislot : null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('common.none')}</p>
      )}
    </>
  );
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : text(v));
const UP = /^(up|running|started|active|ok)$/i;
const DOWN = /^(down|stopped|stop_pending|failed|inactive|dead|lowerlayerdown|notpresent)$/i;

function StateBadge({ state }: { state: unknown }) {
  const s = typeof state === 'string' && state ? state : null;
  if (!s) return <span className="muted">—</span>;
  return <span className={`badge ${UP.test(s) ? 'status-active' : DOWN.test(s) ? 'status-blocked' : 'status-stale'}`}>{s}</span>;
}

/** Interfaces with addresses and state, then the neighbours the device sees (SNMP LLDP/CDP, GLPI port connections). */
function NetworkTab({ a }: { a: Detail }) {
  const { t } = useI18n();
  const sections = a.sections as Record<string, unknown>;
  const neighbors = rowsOf(sections.neighbors);
  const ports = rowsOf(sections.network_ports);
  // A switch's neighbours matter more than its 50 ports: they come first when there are any.
  const neighborsBlock = (
    <>
      <h2>{t('asset.neighbors')}</h2>
      {neighbors.length ? (
        <div className="table-wrap">
          <table data-testid="neighbors-table">
            <caption className="sr-only">{t('asset.neighbors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('asset.protocol')}</th>
                <th scope="col">{t('asset.localPort')}</th>
                <th scope="col">{t('asset.remoteDevice')}</th>
                <th scope="col">{t('asset.remotePort')}</th>
                <th scope="col">{t('asset.remoteAddress')}</th>
                <th scope="col">{t('asset.remotePlatform')}</th>
              </tr>
            </thead>
            <tbody>
              {neighbors.map((nb, n) => {
                const remote = typeof nb.remoteName === 'string' && nb.remoteName ? nb.remoteName : null;
                return (
                  <tr key={n}>
                    <td>{text(nb.protocol).toUpperCase()}</td>
                    <td>{text(nb.localPort)}</td>
                    <td>{remote ? <Link to={`/assets${qs({ name: remote })}`}>{remote}</Link> : text(nb.remoteChassisId)}</td>
                    <td>{text(nb.remotePort)}</td>
                    <td>{text(nb.remoteAddress)}</td>
                    <td>{text(nb.remotePlatform ?? nb.remoteDescription)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('asset.noNeighbors')}</p>
      )}
    </>
  );
  return (
    <>
      {neighbors.length ? neighborsBlock : null}
      <h2>{t('asset.interfaces')}</h2>
      {a.interfaces.length ? (
        <div className="table-wrap">
          <table data-testid="interfaces-table">
            <caption className="sr-only">{t('asset.interfaces')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('asset.description')}</th>
                <th scope="col">{t('asset.state')}</th>
                <th scope="col">MAC</th>
                <th scope="col">IPv4</th>
                <th scope="col">IPv6</th>
                <th scope="col" className="num">
                  {t('asset.speed')}
                </th>
                <th scope="col">{t('alerts.type')}</th>
              </tr>
            </thead>
            <tbody>
              {a.interfaces.map((i, n) => (
                <tr key={n}>
                  <td>
                    {text(i.name)}
                    {i.virtual ? <span className="muted"> ({t('asset.virtual')})</span> : null}
                  </td>
                  <td>{text(i.description)}</td>
                  <td>
                    <StateBadge state={i.status} />
                  </td>
                  <td>{text(i.mac)}</td>
                  <td>{list(i.ipv4)}</td>
                  <td>{list(i.ipv6)}</td>
                  <td className="num">{typeof i.speedMbps === 'number' ? t('asset.mbps', { n: i.speedMbps }) : '—'}</td>
                  <td>{text(i.type)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('common.none')}</p>
      )}
      {neighbors.length ? null : neighborsBlock}
      {ports.length ? (
        <>
          <h2>{t('asset.section', { name: 'network_ports' })}</h2>
          <RecordTable rows={ports} caption="network_ports" />
        </>
      ) : null}
    </>
  );
}

/** Services with their state and start mode, volumes with their use. */
function ServicesTab({ a }: { a: Detail }) {
  const { t, fmtNumber } = useI18n();
  return (
    <>
      <h2>{t('asset.services')}</h2>
      {a.services.length ? (
        <div className="table-wrap">
          <table data-testid="services-table">
            <caption className="sr-only">{t('asset.services')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('asset.displayName')}</th>
                <th scope="col">{t('asset.state')}</th>
                <th scope="col">{t('asset.startMode')}</th>
              </tr>
            </thead>
            <tbody>
              {a.services.map((s, n) => (
                <tr key={n}>
                  <td>{text(s.name)}</td>
                  <td>{text(s.displayName)}</td>
                  <td>
                    <StateBadge state={s.state} />
                  </td>
                  <td>{text(s.startMode)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('common.none')}</p>
      )}
      <h2>{t('asset.volumes')}</h2>
      {a.volumes.length ? (
        <div className="table-wrap">
          <table data-testid="volumes-table">
            <caption className="sr-only">{t('asset.volumes')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('asset.mount')}</th>
                <th scope="col">{t('asset.device')}</th>
                <th scope="col">{t('asset.filesystem')}</th>
                <th scope="col" className="num">
                  {t('asset.totalMb')}
                </th>
                <th scope="col" className="num">
                  {t('asset.freeMb')}
                </th>
                <th scope="col">{t('asset.used')}</th>
              </tr>
            </thead>
            <tbody>
              {a.volumes.map((v, n) => {
                const total = typeof v.totalMb === 'number' ? v.totalMb : null;
                const free = typeof v.freeMb === 'number' ? v.freeMb : null;
                const used = total && free !== null ? Math.round(((total - free) / total) * 100) : null;
                return (
                  <tr key={n}>
                    <td>{text(v.mount)}</td>
                    <td>{text(v.device)}</td>
                    <td>{text(v.filesystem)}</td>
                    <td className="num">{total !== null ? fmtNumber(total) : '—'}</td>
                    <td className="num">{free !== null ? fmtNumber(free) : '—'}</td>
                    <td>
                      {used !== null ? (
                        <>
                          <meter min={0} max={100} low={80} high={90} optimum={0} value={used} aria-label={t('asset.usedOf', { mount: text(v.mount) })} /> {used} %
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('common.none')}</p>
      )}
    </>
  );
}

export function AssetPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'overview';
  const q = useApi<Detail>(`/assets/${id}`);
  const findingsAvailable = useProbe(`/assets/${id}/findings?limit=1`);
  const findings = useApi<FindingsPage>(findingsAvailable === 'yes' ? `/assets/${id}/findings?limit=500` : null);
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const a = q.data;
  const openCount = findings.data?.items.filter((f) => f.status === 'open' && !f.triage).length;
  return (
    <section aria-labelledby="asset-title">
      <p className="breadcrumb">
        <Link to="/assets">{t('nav.assets')}</Link> ›
      </p>
      <h1 id="asset-title">
        {a.hostname ?? a.fqdn ?? `#${a.id}`} <StatusBadge status={a.status} />
      </h1>
      <p className="muted">
        {a.os.fullName ?? a.os.name ?? ''} · {a.kind} · {t('asset.softwareCount', { n: a.softwareCount })}
        {openCount !== undefined ? ` · ${t('asset.openFindings', { n: `${openCount}${findings.data?.nextCursor ? '+' : ''}` })}` : ''}
      </p>
      <Tabs
        label={t('asset.tabs')}
        current={tab}
        onChange={(id) => setParams(id === 'overview' ? {} : { tab: id }, { replace: true })}
        tabs={TABS.map((id) => ({ id, label: t(`asset.tab.${id}` as MessageKey) }))}
      />
      <TabPanel id={tab}>
        {tab === 'overview' ? <Overview a={a} /> : null}
        {tab === 'software' ? <SoftwareTab id={id} findings={findings.data} /> : null}
        {tab === 'drivers' ? <DriversTab id={id} a={a} /> : null}
        {tab === 'network' ? <NetworkTab a={a} /> : null}
        {tab === 'services' ? <ServicesTab a={a} /> : null}
        {tab === 'vulnerabilities' ? <VulnerabilitiesTab id={id} available={findingsAvailable} findings={findings.data} error={findings.error} /> : null}
        {tab === 'history' ? <HistoryTab id={id} /> : null}
        {tab === 'receipts' ? <ReceiptsTab id={id} /> : null}
      </TabPanel>
    </section>
  );
}
