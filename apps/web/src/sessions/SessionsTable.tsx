import { useId, useRef } from 'react';
import type { Me, SessionView } from '../api/types';
import type { SessionColumn } from './session-columns';
import { SessionRow } from './SessionRow';
import { SortableHeader } from './SortableHeader';
import './sessions.css';
import { useHorizontalOverflow } from './use-horizontal-overflow';
import type { SortState } from './sort-filter';
import { useFrozenColumnWidths, useRowWindow } from './use-row-window';
import type { Watcher } from './use-live-sessions';

interface Props {
  me: Me;
  columns: SessionColumn[];
  rows: SessionView[];
  sort: SortState | null;
  onSort: (columnId: string) => void;
  onTerminate: (session: SessionView) => void;
  caption: string;
  watchers: ReadonlyMap<string, Watcher[]>;
  /** ids of rows that appeared live a moment ago (highlighted) */
  appeared?: ReadonlyMap<string, number>;
}

export function SessionsTable({ me, columns, rows, sort, onSort, onTerminate, caption, watchers, appeared }: Props) {
  const body = useRef<HTMLTableSectionElement>(null);
  const head = useRef<HTMLTableRowElement>(null);
  const visible = useRowWindow(rows.length, body);
  const widths = useFrozenColumnWidths(visible !== null, columns.map((c) => c.id).join(','), head);
  const start = visible?.start ?? 0;
  const shown = visible ? rows.slice(visible.start, visible.end) : rows;
  // one column for each data column, then Watching and Actions
  const span = columns.length + 2;
  const region = useRef<HTMLDivElement>(null);
  const regionId = useId();
  const { overflow, scrollBy } = useHorizontalOverflow(region);
  const scrolls = overflow.left || overflow.right;
  return (
    <div className="sessions-scroll">
      {scrolls && (
        <div className="scroll-hint" data-testid="scroll-hint">
          <span>More columns than fit: scroll the table sideways (or focus it and use the arrow keys).</span>
          <button type="button" className="button small" aria-controls={regionId} disabled={!overflow.left} onClick={() => scrollBy(-1)}>
            <span aria-hidden="true">◀ </span>Scroll left
          </button>
          <button type="button" className="button small" aria-controls={regionId} disabled={!overflow.right} onClick={() => scrollBy(1)}>
            Scroll right<span aria-hidden="true"> ▶</span>
          </button>
        </div>
      )}
      <div
        className="table-wrap"
        id={regionId}
        ref={region}
        tabIndex={0}
        role="region"
        aria-label="Open sessions table"
        data-more-left={overflow.left}
        data-more-right={overflow.right}
      >
        <table
          className={widths ? 'data-table sessions-table windowed' : 'data-table sessions-table'}
          // windowed, assistive tech still hears how many rows there are and where each one sits
          aria-rowcount={visible ? rows.length + 1 : undefined}
          data-rows={rows.length}
        >
          <caption className="visually-hidden">{caption}</caption>
          {widths && (
            <colgroup>
              {widths.map((width, i) => (
                <col key={i} style={{ width }} />
              ))}
            </colgroup>
          )}
          <thead>
            <tr ref={head} aria-rowindex={visible ? 1 : undefined}>
              {columns.map((c) => (
                <SortableHeader key={c.id} columnId={c.id} label={c.header} sort={sort} onSort={onSort} />
              ))}
              <th scope="col" className="watchers">
                Watching
              </th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody ref={body}>
            {visible && visible.rowHeight > 0 && start > 0 && <SpacerRow span={span} height={start * visible.rowHeight} />}
            {shown.map((session, i) => (
              <SessionRow
                key={session.id}
                me={me}
                columns={columns}
                session={session}
                viewers={watchers.get(session.id)}
                onTerminate={onTerminate}
                appeared={appeared?.has(session.id) ?? false}
                rowIndex={visible ? start + i + 2 : undefined}
              />
            ))}
            {visible && visible.rowHeight > 0 && visible.end < rows.length && <SpacerRow span={span} height={(rows.length - visible.end) * visible.rowHeight} />}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Stands in for the rows not rendered, so the page keeps its full height and scroll position. */
function SpacerRow({ span, height }: { span: number; height: number }) {
  return (
    <tr className="spacer" aria-hidden="true">
      <td colSpan={span} style={{ height }} />
    </tr>
  );
}
