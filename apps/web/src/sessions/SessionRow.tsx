import { memo } from 'react';
import type { Me, SessionView } from '../api/types';
import { SessionActions } from './SessionActions';
import { SessionCell } from './SessionCell';
import type { SessionColumn } from './session-columns';
import type { Watcher } from './use-live-sessions';
import { WatchersCell } from './WatchersCell';

interface Props {
  me: Me;
  columns: SessionColumn[];
  session: SessionView;
  viewers: Watcher[] | undefined;
  onTerminate: (session: SessionView) => void;
  /** it appeared live a moment ago: highlighted for a few seconds */
  appeared?: boolean;
  /** position among all rows (header = 1), when the table renders only some of them */
  rowIndex?: number;
}

/**
 * One open session. Memoised: a live event replaces one session object (the reducer keeps the
 * others), so with thousands of rows only the row that changed renders again, not the table.
 */
export const SessionRow = memo(function SessionRow({ me, columns, session, viewers, onTerminate, appeared = false, rowIndex }: Props) {
  return (
    <tr data-session-id={session.id} aria-rowindex={rowIndex} className={appeared ? 'row-appeared' : undefined} data-appeared={appeared || undefined}>
      {columns.map((c) => (
        <SessionCell key={c.id} column={c} session={session} />
      ))}
      <WatchersCell viewers={viewers} />
      <SessionActions me={me} session={session} onTerminate={onTerminate} />
    </tr>
  );
});
