/**
 * CSV for the findings export, per RFC 4180 (CRLF records; a field holding a comma, quote, CR or LF is quoted, its
 * quotes doubled). Inventory strings are untrusted: a text cell starting with = + - @ (or tab / CR, which some
 * spreadsheets strip before reading a formula) is prefixed with ' so no spreadsheet evaluates it (OWASP CSV injection).
 */

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRecord(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}
