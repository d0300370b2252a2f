/**
 * Renders the flow matrix as Markdown, CSV (RFC 4180, for the firewall request form), HTML (a standalone
 * page) or JSON. Column headings follow the user's request form, in French or English.
 */
import type { FlowRow } from './matrix.js';
import type { Lang } from './types.js';

export const flowFormats = ['md', 'csv', 'html', 'json'] as const;
export type FlowFormat = (typeof flowFormats)[number];

const headings: Record<Lang, string[]> = {
  fr: ['Nom source', 'Adresses source', 'Nom destination', 'Adresses destination', 'Protocole/port', 'Objet', 'Obligatoire'],
  en: ['Source name', 'Source addresses', 'Destination name', 'Destination addresses', 'Protocol/port', 'Purpose', 'Mandatory'],
};
const yesNo: Record<Lang, [string, string]> = { fr: ['obligatoire', 'facultatif'], en: ['mandatory', 'optional'] };
const none: Record<Lang, string> = { fr: '(à définir)', en: '(to be defined)' };

function cells(r: FlowRow, lang: Lang): string[] {
  const list = (a: string[]) => (a.length ? a.join(', ') : none[lang]);
  return [r.sourceName, list(r.sourceAddresses), r.destinationName, list(r.destinationAddresses), r.protocolPort, r.purpose, yesNo[lang][r.mandatory ? 0 : 1]];
}

const csvCell = (s: string) => (/[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const mdCell = (s: string) => s.replace(/\|/g, '\\|');
const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function formatMatrix(rows: FlowRow[], format: FlowFormat, lang: Lang): string {
  const h = headings[lang];
  switch (format) {
    case 'json':
      return JSON.stringify({ lang, columns: h, rows }, null, 2) + '\n';
    case 'csv':
      // CRLF per RFC 4180: spreadsheet imports of the request form expect it.
      return [h, ...rows.map((r) => cells(r, lang))].map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
    case 'md':
      return [
        `| ${h.join(' | ')} |`,
        `|${h.map(() => ' --- ').join('|')}|`,
        ...rows.map((r) => `| ${cells(r, lang).map(mdCell).join(' | ')} |`),
      ].join('\n') + '\n';
    case 'html': {
      const title = lang === 'fr' ? 'Matrice des flux Vigie' : 'Vigie flow matrix';
      const body = rows.map((r) => `<tr>${cells(r, lang).map((c) => `<td>${htmlEscape(c)}</td>`).join('')}</tr>`).join('\n');
      return `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>` +
        `<style>table{border-collapse:collapse;font:14px sans-serif}td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head>\n` +
        `<body><h1>${title}</h1>\n<table><thead><tr>${h.map((c) => `<th>${htmlEscape(c)}</th>`).join('')}</tr></thead>\n<tbody>\n${body}\n</tbody></table></body></html>\n`;
    }
  }
}
