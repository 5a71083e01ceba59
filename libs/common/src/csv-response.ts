import { type HttpReply, takeOverResponse } from './http';
import { csvCell } from './csv';
import type { ColumnDefinition } from './session-columns';

/** `?format=csv` or `Accept: text/csv` (without JSON preferred) asks for CSV. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/.test(accept ?? '') && !/application\/json/.test(accept ?? '');
}

/** `columns=a,b,c` → ['a','b','c']; undefined when absent. */
export function parseColumnsParam(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/** Streams rows as CSV, page by page, so a large export never sits whole in memory. */
export async function streamCsv<Row>(
  reply: HttpReply,
  filename: string,
  columns: ColumnDefinition<Row>[],
  pages: AsyncIterable<Row[]> | Iterable<Row[]>,
): Promise<void> {
  const res = takeOverResponse(reply);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(columns.map((c) => csvCell(c.csvHeader ?? c.header)).join(',') + '\r\n');
  const now = Date.now();
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) chunk += columns.map((c) => csvCell(c.value(row, now))).join(',') + '\r\n';
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
