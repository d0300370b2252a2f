/**
 * Renders DigestData as an AlertMessage: a plain-text body, an HTML body (inline styles only, every value
 * escaped, the chart as cid:trend), one item per headline for syslog/chat, a CSV of the new CVEs, and the
 * data itself for JSON consumers. Dates are shown in the digest's time zone.
 */
import type { AlertMessage, MessageItem, Severity } from '../types.js';
import { chartColors, lineChartPng } from './chart.js';
import type { CveRow, DigestData } from './data.js';
import { strings, type Strings } from './i18n.js';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fill = (t: string, vars: Record<string, string | number>) => t.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

function localDate(iso: string, tz: string, lang: string, withTime = false): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: tz, dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}) }).format(new Date(iso));
}

function cveLine(c: CveRow, s: Strings): string {
  const parts = [c.id, c.title ?? '', c.cvss !== null ? `CVSS ${c.cvss.toFixed(1)}` : '', c.epss !== null ? `EPSS ${(c.epss * 100).toFixed(1)} %` : '', c.kev ? `KEV${c.kevDueDate ? ` (${s.due} ${c.kevDueDate})` : ''}` : '', `${c.assets} ${s.affected}`];
  return parts.filter(Boolean).join(' · ');
}

export function digestSeverity(d: DigestData): Severity {
  if (d.vulns.newCves.some((c) => c.kev) || d.vulns.kev.some((k) => k.overdue)) return 'critical';
  if (d.vulns.newCvesTotal || d.fleet.failedInventories.length || d.kb.sources.some((k) => k.stale)) return 'warning';
  return 'info';
}

export function digestCsv(d: DigestData): string {
  const q = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = [['section', 'cve', 'title', 'severity', 'cvss', 'epss', 'kev', 'kev_due_date', 'assets']];
  for (const c of d.vulns.newCves) rows.push(['new', c.id, c.title ?? '', c.severity ?? '', String(c.cvss ?? ''), String(c.epss ?? ''), c.kev ? '1' : '0', c.kevDueDate ?? '', String(c.assets)]);
  for (const c of d.vulns.fixedCves) rows.push(['fixed', c.id, c.title ?? '', c.severity ?? '', String(c.cvss ?? ''), String(c.epss ?? ''), c.kev ? '1' : '0', c.kevDueDate ?? '', String(c.fixedAssets)]);
  for (const c of d.vulns.kev) rows.push(['kev', c.id, c.title ?? '', c.severity ?? '', String(c.cvss ?? ''), String(c.epss ?? ''), '1', c.kevDueDate ?? '', String(c.assets)]);
  return rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

export function renderDigest(d: DigestData): AlertMessage {
  const s = strings[d.period.lang];
  const tz = d.period.timezone;
  const lang = d.period.lang;
  const date = localDate(d.period.end, tz, lang);
  const crit = d.vulns.openBySeverity.find((x) => x.severity === 'critical')?.cves ?? 0;
  const subject = s.subject(date, crit, d.vulns.kev.length, d.vulns.newCvesTotal);
  const sevName = (x: string | null) => s.severity[x ?? 'unknown'] ?? x ?? '';
  const asset = (a: { hostname: string | null; id: number }) => a.hostname ?? `#${a.id}`;
  const heartbeat = d.quiet ? s.heartbeatQuiet : s.heartbeat;
  const chart = lineChartPng([
    { values: d.trend.map((p) => p.other), color: chartColors.other },
    { values: d.trend.map((p) => p.high), color: chartColors.high },
    { values: d.trend.map((p) => p.critical), color: chartColors.critical },
  ]);

  // --- text
  const t: string[] = [subject, '', heartbeat, `${s.period}: ${localDate(d.period.start, tz, lang, true)} → ${localDate(d.period.end, tz, lang, true)} (${tz})`, ''];
  const list = <T>(title: string, rows: T[], line: (r: T) => string, total = rows.length) => {
    t.push(`${title} (${total})`);
    if (!rows.length) t.push(`  ${s.none}`);
    for (const r of rows) t.push(`  - ${line(r)}`);
    if (total > rows.length) t.push(`  ${fill(s.more, { n: total - rows.length })}`);
    t.push('');
  };
  t.push(`== ${s.fleet} ==`, `${s.assets}: ${d.fleet.total} · ${s.active} ${d.fleet.active} · ${fill(s.stale, { d: d.fleet.staleAfterDays })} ${d.fleet.stale} · ${s.blocked} ${d.fleet.blocked}`);
  t.push(`${s.byKind}: ${d.fleet.byKind.map((c) => `${c.key ?? '?'} ${c.count}`).join(', ') || s.none}`);
  t.push(`${s.byOs}: ${d.fleet.byOs.map((c) => `${c.key ?? '?'} ${c.count}`).join(', ') || s.none}`, '');
  list(s.newAssets, d.fleet.newAssets, (a) => `${asset(a)} (${a.kind}${a.osName ? `, ${a.osName}` : ''}) ${s.firstSeen} ${localDate(a.at, tz, lang, true)}`);
  list(s.disappeared, d.fleet.disappeared, (a) => `${asset(a)} ${s.lastSeen} ${localDate(a.at, tz, lang, true)}`);
  list(s.staleAssets, d.fleet.staleAssets, (a) => `${asset(a)} ${s.lastSeen} ${localDate(a.at, tz, lang, true)}`);
  list(s.failedInventories, d.fleet.failedInventories, (f) => `${f.hostname ?? f.device}: ${f.count} ${s.failures}${f.error ? ` (${f.error})` : ''}`);
  t.push(`== ${s.vulns} ==`, `${s.openBySeverity}: ${d.vulns.openBySeverity.map((x) => `${sevName(x.severity)} ${x.cves} ${s.cves} / ${x.findings} ${s.findings}`).join(', ') || s.none}`, '');
  list(s.newCves, d.vulns.newCves, (c) => cveLine(c, s), d.vulns.newCvesTotal);
  list(s.fixedCves, d.vulns.fixedCves, (c) => `${c.id}${c.title ? ` · ${c.title}` : ''} · ${c.fixedAssets} ${s.fixedOn}`, d.vulns.fixedCvesTotal);
  list(s.topAssets, d.vulns.topAssets, (a) => `${asset(a)}: ${s.risk} ${a.risk} · ${a.open} ${s.open} · ${a.critical} ${s.critical} · ${a.kev} KEV`);
  list(s.topCves, d.vulns.topCves, (c) => cveLine(c, s));
  list(s.kevInFleet, d.vulns.kev, (c) => `${c.id}${c.title ? ` · ${c.title}` : ''} · ${s.due} ${c.kevDueDate ?? '?'}${c.overdue ? ` ${s.overdue}` : ''} · ${c.assets} ${s.affected}`);
  t.push(`== ${s.kb} ==`);
  if (!d.kb.sources.length) t.push(s.kbMissing);
  for (const k of d.kb.sources) t.push(`  - ${k.id}: ${s.lastSync} ${k.lastSuccessAt ? localDate(k.lastSuccessAt, tz, lang, true) : s.never}${k.stale ? ` ${s.kbStale}` : ''}${k.stale && k.lastError ? ` (${k.lastError})` : ''}`);
  t.push('', `== ${s.trend} ==`, d.trend.map((p) => p.total).join(' '), '');

  // --- HTML
  const h: string[] = [];
  const th = 'style="text-align:left;padding:4px 8px;border-bottom:1px solid #ccd;font-weight:600"';
  const td = 'style="padding:3px 8px;border-bottom:1px solid #eef"';
  const section = (title: string) => h.push(`<h2 style="font-size:17px;margin:22px 0 8px;color:#1b2a4a">${esc(title)}</h2>`);
  const table = (title: string, head: string[], rows: (string | number)[][], total = rows.length, id = '') => {
    h.push(`<h3 ${id ? `id="${id}" ` : ''}style="font-size:14px;margin:14px 0 6px">${esc(title)} <span style="color:#667">(${total})</span></h3>`);
    if (!rows.length) return void h.push(`<p style="color:#667;margin:0 0 8px">${esc(s.none)}</p>`);
    h.push(`<table style="border-collapse:collapse;font-size:13px;margin-bottom:6px"><tr>${head.map((x) => `<th ${th}>${esc(x)}</th>`).join('')}</tr>`);
    for (const r of rows) h.push(`<tr>${r.map((x) => `<td ${td}>${esc(x)}</td>`).join('')}</tr>`);
    h.push('</table>');
    if (total > rows.length) h.push(`<p style="color:#667;margin:0">${esc(fill(s.more, { n: total - rows.length }))}</p>`);
  };
  const cveRow = (c: CveRow) => [c.id, c.title ?? '', sevName(c.severity), c.cvss?.toFixed(1) ?? '', c.epss !== null ? `${(c.epss * 100).toFixed(1)} %` : '', c.kev ? `KEV${c.kevDueDate ? ` ${c.kevDueDate}` : ''}` : '', c.assets];
  const cveHead = ['CVE', '', lang === 'fr' ? 'Sévérité' : 'Severity', 'CVSS', 'EPSS', 'KEV', s.affected];
  h.push(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#222;max-width:860px;margin:0 auto;padding:16px">`);
  h.push(`<h1 style="font-size:20px;color:#1b2a4a;margin:0 0 6px">${esc(subject)}</h1>`);
  h.push(`<p id="heartbeat" style="background:#eef3fb;border-left:4px solid #467;padding:8px 12px;margin:8px 0">${esc(heartbeat)}</p>`);
  h.push(`<p style="color:#556;font-size:13px">${esc(s.period)} : ${esc(localDate(d.period.start, tz, lang, true))} → ${esc(localDate(d.period.end, tz, lang, true))} (${esc(tz)})</p>`);
  section(s.fleet);
  h.push(`<p id="fleet-totals" style="font-size:15px"><b>${d.fleet.total}</b> ${esc(s.assets.toLowerCase())} · <b>${d.fleet.active}</b> ${esc(s.active)} · <b>${d.fleet.stale}</b> ${esc(fill(s.stale, { d: d.fleet.staleAfterDays }))} · <b>${d.fleet.blocked}</b> ${esc(s.blocked)}</p>`);
  table(s.byKind, ['', s.assets], d.fleet.byKind.map((c) => [c.key ?? '?', c.count]));
  table(s.byOs, ['', s.assets], d.fleet.byOs.map((c) => [c.key ?? '?', c.count]));
  table(s.newAssets, ['', '', '', s.firstSeen], d.fleet.newAssets.map((a) => [asset(a), a.kind, a.osName ?? '', localDate(a.at, tz, lang, true)]), undefined, 'new-assets');
  table(s.disappeared, ['', s.lastSeen], d.fleet.disappeared.map((a) => [asset(a), localDate(a.at, tz, lang, true)]), undefined, 'disappeared');
  table(s.staleAssets, ['', s.lastSeen], d.fleet.staleAssets.map((a) => [asset(a), localDate(a.at, tz, lang, true)]));
  table(s.failedInventories, ['', s.failures, ''], d.fleet.failedInventories.map((f) => [f.hostname ?? f.device, f.count, f.error ?? '']), undefined, 'failed-inventories');
  section(s.vulns);
  table(s.openBySeverity, ['', s.cves, s.findings], d.vulns.openBySeverity.map((x) => [sevName(x.severity), x.cves, x.findings]));
  table(s.newCves, cveHead, d.vulns.newCves.map(cveRow), d.vulns.newCvesTotal, 'new-cves');
  table(s.fixedCves, ['CVE', '', s.fixedOn], d.vulns.fixedCves.map((c) => [c.id, c.title ?? '', c.fixedAssets]), d.vulns.fixedCvesTotal, 'fixed-cves');
  table(s.topAssets, ['', s.risk, s.open, s.critical, 'KEV'], d.vulns.topAssets.map((a) => [asset(a), a.risk, a.open, a.critical, a.kev]), undefined, 'top-assets');
  table(s.topCves, cveHead, d.vulns.topCves.map(cveRow), undefined, 'top-cves');
  table(s.kevInFleet, ['CVE', '', s.due, '', s.affected], d.vulns.kev.map((c) => [c.id, c.title ?? '', c.kevDueDate ?? '', c.overdue ? s.overdue : '', c.assets]), undefined, 'kev');
  section(s.kb);
  if (!d.kb.sources.length) h.push(`<p>${esc(s.kbMissing)}</p>`);
  else table(s.kb, ['', s.lastSync, ''], d.kb.sources.map((k) => [k.id, k.lastSuccessAt ? localDate(k.lastSuccessAt, tz, lang, true) : s.never, k.stale ? `${s.kbStale}${k.lastError ? ` · ${k.lastError}` : ''}` : '']), undefined, 'kb');
  section(s.trend);
  h.push(`<img src="cid:trend" alt="${esc(s.trend)}" width="600" height="220" style="display:block;border:1px solid #dde">`);
  const dot = (c: readonly number[]) => `<span style="display:inline-block;width:10px;height:10px;background:rgb(${c.join(',')})"></span>`;
  h.push(`<p style="font-size:12px;color:#556">${dot(chartColors.critical)} ${dot(chartColors.high)} ${dot(chartColors.other)} ${esc(fill(s.trendLegend, { max: chart.yMax }))} · ${esc(d.trend[0]?.day ?? '')} → ${esc(d.trend[d.trend.length - 1]?.day ?? '')}</p>`);
  h.push(`<p style="color:#889;font-size:11px;margin-top:24px">Vigie · ${esc(s.generated)} ${esc(localDate(d.generatedAt, tz, lang, true))}</p></body></html>`);

  // --- items (syslog records, chat lines)
  const items: MessageItem[] = [
    { severity: digestSeverity(d), code: 'digest', text: `${subject}. ${heartbeat}`, fields: { period: d.period.key, assets: d.fleet.total, stale: d.fleet.stale, openFindings: d.vulns.openFindings, newCves: d.vulns.newCvesTotal, fixedCves: d.vulns.fixedCvesTotal, kev: d.vulns.kev.length } },
    ...d.vulns.newCves.slice(0, 20).map((c): MessageItem => ({ severity: c.kev || c.severity === 'critical' ? 'critical' : 'warning', code: 'digest-new-cve', text: cveLine(c, s), fields: { cve: c.id, cvss: c.cvss, epss: c.epss, kev: c.kev, assets: c.assets } })),
  ];
  return {
    kind: 'digest',
    subject,
    severity: digestSeverity(d),
    text: t.join('\n'),
    html: h.join('\n'),
    items,
    images: [{ cid: 'trend', filename: 'trend-30d.png', contentType: 'image/png', base64: chart.png.toString('base64') }],
    attachments: [{ filename: `vigie-digest-${d.period.end.slice(0, 10)}.csv`, contentType: 'text/csv; charset=utf-8', content: digestCsv(d) }],
    data: d,
  };
}
