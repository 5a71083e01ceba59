import { CHIP_FIELDS, type Chip, type ChipField } from './filter-chips';
import type { SortState } from './sort-filter';

/** What the sessions page keeps in its URL, so a reload, a shared link and back/forward keep it. */
export interface SessionsViewState {
  text: string;
  sort: SortState;
  chips: Chip[];
}

export const DEFAULT_SORT: SortState = { columnId: 'startDate', direction: 'descending' };

const SORT_ID = /^[A-Za-z][A-Za-z0-9]{0,40}$/;
const MAX_VALUE = 200;

/** Reads ?q=…&sort=user&dir=asc&type=PAM_SSH&user=kim…; anything malformed falls back to the default. */
export function parseViewState(search: URLSearchParams): SessionsViewState {
  const sortId = search.get('sort');
  const dir = search.get('dir');
  const sort: SortState =
    sortId && SORT_ID.test(sortId) ? { columnId: sortId, direction: dir === 'asc' ? 'ascending' : 'descending' } : DEFAULT_SORT;
  const chips: Chip[] = [];
  for (const field of CHIP_FIELDS) {
    for (const value of new Set(search.getAll(field))) if (value && value.length <= MAX_VALUE) chips.push({ field, value });
  }
  return { text: (search.get('q') ?? '').slice(0, MAX_VALUE), sort, chips };
}

/** The query string for a state (with its leading "?", or "" for the default view). */
export function viewStateQuery(state: SessionsViewState): string {
  const params = new URLSearchParams();
  if (state.text) params.set('q', state.text);
  if (state.sort.columnId !== DEFAULT_SORT.columnId || state.sort.direction !== DEFAULT_SORT.direction) {
    params.set('sort', state.sort.columnId);
    params.set('dir', state.sort.direction === 'ascending' ? 'asc' : 'desc');
  }
  for (const field of CHIP_FIELDS) for (const c of state.chips) if (c.field === field) params.append(field, c.value);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function withChip(chips: Chip[], chip: Chip): Chip[] {
  return chips.some((c) => c.field === chip.field && c.value === chip.value) ? chips : [...chips, chip];
}

export function withoutChip(chips: Chip[], chip: Chip): Chip[] {
  return chips.filter((c) => !(c.field === chip.field && c.value === chip.value));
}

export type { ChipField };
