import type { SessionView } from '../api/types';
import type { SessionColumn } from './session-columns';

export interface SortState {
  columnId: string;
  direction: 'ascending' | 'descending';
}

/** Rows whose shown columns contain every word of the filter (case-insensitive). */
export function filterSessions(rows: SessionView[], columns: SessionColumn[], filter: string): SessionView[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const haystack = columns.map((c) => c.text(row)).join('\u0000').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Sorted by the column's key, then by id (stable across updates). Keys are computed once per row,
 * not once per comparison: the list is sorted again on every live event, thousands of rows long.
 */
export function sortSessions(rows: SessionView[], columns: SessionColumn[], sort: SortState | null): SessionView[] {
  const column = sort && columns.find((c) => c.id === sort.columnId);
  if (!sort || !column) return rows;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, key: column.sortKey(row) }));
  keyed.sort((a, b) => {
    const x = a.key;
    const y = b.key;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return sign * order || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0);
  });
  return keyed.map((k) => k.row);
}

export function nextSort(current: SortState | null, columnId: string): SortState {
  if (current?.columnId !== columnId) return { columnId, direction: 'ascending' };
  return { columnId, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}
