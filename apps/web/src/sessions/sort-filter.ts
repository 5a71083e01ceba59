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

export function sortSessions(rows: SessionView[], columns: SessionColumn[], sort: SortState | null): SessionView[] {
  const column = sort && columns.find((c) => c.id === sort.columnId);
  if (!sort || !column) return rows;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.sortKey(a);
    const y = column.sortKey(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return sign * order || a.id.localeCompare(b.id);
  });
}

export function nextSort(current: SortState | null, columnId: string): SortState {
  if (current?.columnId !== columnId) return { columnId, direction: 'ascending' };
  return { columnId, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}
