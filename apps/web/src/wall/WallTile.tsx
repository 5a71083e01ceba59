import { useCallback, useId } from 'react';
import type { SessionView } from '../api/types';
import { markLiveClick } from '../live/first-paint';
import { Link } from '../router/Link';
import { sessionTitle } from '../sessions/session-title';
import { ThumbnailSink, ThumbnailTerminal } from './ThumbnailTerminal';
import type { ThumbnailStatus } from './wall-connection';
import { wallTileKind } from './wall-tiles';

interface Props {
  session: SessionView;
  status: ThumbnailStatus | undefined;
  /** the page keeps each tile's sink, to paint the screens the wall's connection receives */
  registerSink: (sessionId: string, sink: ThumbnailSink | null) => void;
}

const STATUS_TEXT: Record<ThumbnailStatus['status'], string> = {
  waiting: 'Waiting for the first screen…',
  live: 'Live thumbnail, updated once a second at most',
  paused: 'Updates paused',
  refused: 'No live view',
  ended: 'Session ended',
};

/** `forbidden: watching this session requires …` → `Watching this session requires …` */
const inWords = (error: string) => {
  const text = error.replace(/^forbidden: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** One session on the wall: its scaled live screen and a link (the whole tile) to its live page. */
export function WallTile({ session, status, registerSink }: Props) {
  const title = sessionTitle(session);
  const statusId = useId();
  const live = `/sessions/${encodeURIComponent(session.id)}/live?mode=view`;
  const kind = wallTileKind(session);
  const register = useCallback((sink: ThumbnailSink | null) => registerSink(session.id, sink), [registerSink, session.id]);

  if (kind.kind === 'no-live-view') {
    return (
      <li className="wall-tile no-live-view" data-session-id={session.id} data-thumbnail-status="none">
        <h2 className="wall-tile-title">{title}</h2>
        <p className="wall-none-label">No live view</p>
        <p className="muted wall-tile-why">{kind.reason}</p>
        {session.liveStream && (
          <Link className="button small" to={live} onClick={markLiveClick} aria-label={`Open ${title}`}>
            Open
          </Link>
        )}
      </li>
    );
  }

  const state = status?.status ?? 'waiting';
  const detail = status?.status === 'refused' ? `No live view: ${inWords(status.error)}` : status?.status === 'ended' ? `Session ended (${status.reason})` : STATUS_TEXT[state];
  return (
    <li className={`wall-tile thumbnail-${state}`} data-session-id={session.id} data-thumbnail-status={state}>
      <Link className="wall-tile-link" to={live} onClick={markLiveClick} aria-label={title} aria-describedby={statusId}>
        <span className="wall-tile-title" aria-hidden="true">
          {title}
        </span>
      </Link>
      <ThumbnailTerminal register={register} />
      <p id={statusId} className="muted wall-tile-status">
        {detail}
      </p>
    </li>
  );
}
