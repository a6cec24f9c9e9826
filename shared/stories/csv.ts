/**
 * CSV of a figure: exactly the published numbers (RFC 4180, CRLF, UTF-8 with a BOM so Excel in
 * Korean locales opens Hangul correctly). Cells that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@` at the start of text) get a leading `'` (OWASP CSV injection advice);
 * numbers are written as numbers.
 */
import type { JsonValue } from '../outputCheck/report.ts';

function cell(v: JsonValue): string {
  if (v === null) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeFigureCsv(columns: readonly string[], rows: readonly (readonly JsonValue[])[]): string {
  const lines = [columns.map((c) => cell(c)).join(',')];
  for (const r of rows) lines.push(r.map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
