import type { Me, SessionView } from '../api/types';
import { SessionActions } from './SessionActions';
import { SessionCell } from './SessionCell';
import type { SessionColumn } from './session-columns';
import { SortableHeader } from './SortableHeader';
import type { SortState } from './sort-filter';
import type { Watcher } from './use-live-sessions';
import { WatchersCell } from './WatchersCell';

interface Props {
  me: Me;
  columns: SessionColumn[];
  rows: SessionView[];
  sort: SortState | null;
  onSort: (columnId: string) => void;
  onTerminate: (session: SessionView) => void;
  caption: string;
  watchers: ReadonlyMap<string, Watcher[]>;
}

export function SessionsTable({ me, columns, rows, sort, onSort, onTerminate, caption, watchers }: Props) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Open sessions table">
      <table className="data-table sessions-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
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
        <tbody>
          {rows.map((session) => (
            <tr key={session.id} data-session-id={session.id}>
              {columns.map((c) => (
                <SessionCell key={c.id} column={c} session={session} />
              ))}
              <WatchersCell viewers={watchers.get(session.id)} />
              <SessionActions me={me} session={session} onTerminate={onTerminate} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
