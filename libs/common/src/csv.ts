import type { ColumnDefinition } from './session-columns';

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are
 * prefixed with a quote: session attributes come from agents and must not execute on open.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<Row>(columns: ColumnDefinition<Row>[], rows: Row[], now = Date.now()): string {
  const lines = [columns.map((c) => csvCell(c.csvHeader ?? c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row, now))).join(','));
  return lines.join('\r\n') + '\r\n';
}
