/**
 * The sessions CSV as the page shows it. The server writes the CSV (formula-looking cells defused,
 * dates ISO); when a filter hides rows, the page asks for the session id as an extra column, keeps
 * the lines of the rows shown and drops that column again.
 */

/** RFC 4180: quoted cells, doubled quotes, CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const quote = (cell: string) => (/[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(quote).join(',') + '\r\n').join('');
}

/**
 * The header and the lines whose cell at `idAt` is one of `ids`, in the order of `ids` (the
 * table's sort); the id column removed when `dropId`.
 */
export function pickRows(csv: string[][], idAt: number, ids: string[], dropId: boolean): string[][] {
  const [header, ...body] = csv;
  if (!header) return [];
  const byId = new Map(body.map((cells) => [cells[idAt], cells]));
  const picked = ids.map((id) => byId.get(id)).filter((cells): cells is string[] => cells !== undefined);
  const strip = (cells: string[]) => (dropId ? cells.filter((_, i) => i !== idAt) : cells);
  return [strip(header), ...picked.map(strip)];
}

/** vigil-sessions-2026-12-01T16-20.csv: local time, to the minute, safe in every file system. */
export function csvFileName(now: Date, base = 'vigil-sessions'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${base}-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}T${p(now.getHours())}-${p(now.getMinutes())}.csv`;
}

/** Hands a file the page made to the browser as a download. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
