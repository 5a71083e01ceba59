import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { ConnectionBadge } from '../sessions/ConnectionBadge';
import { useLiveSessions } from '../sessions/use-live-sessions';
import type { ThumbnailSink } from './ThumbnailTerminal';
import { ThumbnailStatus, WallConnection, WallLink } from './wall-connection';
import { wallOrder, wallTileKind } from './wall-tiles';
import { WallTile } from './WallTile';
import './wall.css';

/**
 * The wall of live sessions: every open session the user may see, each SSH one as a scaled live
 * screen updated at most once a second (server-side snapshots of its mirror, computed once per
 * session for every wall), the others with why there is none. A tile opens the live page.
 */
export function WallPage() {
  useDocumentTitle('Wall');
  const { token } = useAuth();
  const live = useLiveSessions(token);
  const [paused, setPaused] = useState(false);
  const [link, setLink] = useState<WallLink>('connecting');
  const [statuses, setStatuses] = useState<ReadonlyMap<string, ThumbnailStatus>>(new Map());
  const connection = useRef<WallConnection | null>(null);
  const sinks = useRef(new Map<string, ThumbnailSink>());
  /** the latest screen of each session, for a tile that mounts after it arrived */
  const latest = useRef(new Map<string, [number, number, string]>());

  useEffect(() => {
    const wall = new WallConnection(token, {
      screen: (id, cols, rows, screen) => {
        latest.current.set(id, [cols, rows, screen]);
        sinks.current.get(id)?.(cols, rows, screen);
      },
      status: (id, status) => setStatuses((current) => (current.get(id)?.status === status.status && status.status !== 'refused' ? current : new Map(current).set(id, status))),
      link: setLink,
    });
    connection.current = wall;
    return () => {
      connection.current = null;
      wall.close();
    };
  }, [token]);

  const sessions = useMemo(() => wallOrder(live.sessions), [live.sessions]);
  const thumbnails = sessions.filter((s) => wallTileKind(s).kind === 'thumbnail').map((s) => s.id);
  const shownKey = thumbnails.join(',');
  useEffect(() => {
    const shown = new Set(shownKey ? shownKey.split(',') : []);
    connection.current?.show(shown);
    for (const id of [...latest.current.keys()]) if (!shown.has(id)) latest.current.delete(id);
  }, [shownKey]);
  useEffect(() => connection.current?.setPaused(paused), [paused]);

  const registerSink = useCallback((sessionId: string, sink: ThumbnailSink | null) => {
    if (!sink) return void sinks.current.delete(sessionId);
    sinks.current.set(sessionId, sink);
    const screen = latest.current.get(sessionId);
    if (screen) sink(...screen);
  }, []);

  return (
    <section className="stack" aria-labelledby="wall-title">
      <div className="page-head">
        <h1 id="wall-title">Wall</h1>
        <ConnectionBadge state={link === 'live' ? live.link : link === 'connecting' ? 'connecting' : 'reconnecting'} />
        <button type="button" className="button" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume updates' : 'Pause updates'}
        </button>
      </div>
      <p className="muted">
        Every open session you may watch, its screen updated at most once a second. Select a session to open its live view. Paused, the gateway sends nothing and
        the screens stay as they were.
      </p>
      <ErrorBanner message={live.error} />
      {!live.loaded && !live.error && <p aria-live="polite">Loading…</p>}
      {live.loaded && sessions.length === 0 && <p data-testid="wall-empty">No open session to show.</p>}
      {sessions.length > 0 && (
        <ul className="wall-grid" aria-label="Live sessions">
          {sessions.map((session) => (
            <WallTile key={session.id} session={session} status={statuses.get(session.id)} registerSink={registerSink} />
          ))}
        </ul>
      )}
    </section>
  );
}
