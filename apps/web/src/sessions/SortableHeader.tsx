import type { SortState } from './sort-filter';

interface Props {
  columnId: string;
  label: string;
  sort: SortState | null;
  onSort: (columnId: string) => void;
}

/** A column header whose button sorts by it; aria-sort tells assistive tech the current order. */
export function SortableHeader({ columnId, label, sort, onSort }: Props) {
  const direction = sort?.columnId === columnId ? sort.direction : undefined;
  const arrow = direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕';
  return (
    <th scope="col" aria-sort={direction ?? 'none'} data-column-id={columnId}>
      <button type="button" className="sort-button" onClick={() => onSort(columnId)}>
        <span className="header-label">{label}</span>
        <span className={direction ? 'sort-arrow active' : 'sort-arrow'} aria-hidden="true">
          {arrow}
        </span>
      </button>
    </th>
  );
}
