import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { errorMessage } from '../api/api-error';
import { allOpenSessions, api } from '../api/endpoints';
import type { AccessLogView, SessionView } from '../api/types';
import { createEventBatcher } from './event-batcher';
import { liveSessionsReducer, type LiveAction } from './live-sessions-reducer';
import { useGatewayLiveness } from './use-gateway-liveness';

/** Server → client events of the /sessions namespace (as SessionsServerEvents on the server). */
interface SessionsServerEvents {
  'session.opened': (session: SessionView) => void;
  'session.updated': (session: SessionView) => void;
  'session.ended': (entry: AccessLogView) => void;
  'session.viewers': (payload: { sessionId: string; viewers: Watcher[] }) => void;
}

/** Someone watching a session live (from `session.viewers`). */
export interface Watcher {
  username: string;
  mode: 'view' | 'interact';
  /** a thumbnail on someone's wall of live sessions (mode `view`) */
  via?: 'wall';
}

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveEvent {
  kind: 'opened' | 'updated' | 'ended';
  session: SessionView | AccessLogView;
}

/** What the /sessions stream says, as the page takes it in. */
type StreamEvent = LiveEvent | { kind: 'viewers'; sessionId: string; viewers: Watcher[] };

/**
 * The open sessions the user may see, kept current by the /sessions namespace. On every
 * (re)connect the list is fetched again; events that arrive while it loads are queued and
 * replayed on top of it, so none is lost to the race between snapshot and stream.
 */
export function useLiveSessions(token: string, onEvent?: (event: LiveEvent) => void) {
  const [byId, dispatch] = useReducer(liveSessionsReducer, new Map<string, SessionView>());
  const [loaded, setLoaded] = useState(false);
  const [link, setLink] = useState<LinkState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [watchers, setWatchers] = useState<ReadonlyMap<string, Watcher[]>>(new Map());
  const onEventRef = useLatest(onEvent);

  useEffect(() => {
    let disposed = false;
    let generation = 0;
    let queue: LiveAction[] | null = [];
    const controller = new AbortController();
    const apply = (action: LiveAction) => (queue ? queue.push(action) : dispatch(action));
    /** sessions whose watchers the stream reported since the current load started */
    let watchersSeen = new Set<string>();

    const load = async () => {
      const mine = ++generation;
      const pending: LiveAction[] = queue ?? [];
      queue = pending;
      // watchers changed while loading come from the stream; the rest from the loaded list
      const watchersChanged = new Set<string>();
      watchersSeen = watchersChanged;
      try {
        const [items, watching] = await Promise.all([
          allOpenSessions(token, controller.signal),
          api.watchers(token, controller.signal).catch(() => null),
        ]);
        if (disposed || mine !== generation) return;
        dispatch({ type: 'snapshot', items });
        if (watching) {
          setWatchers((current) => {
            const next = new Map([...current].filter(([id]) => watchersChanged.has(id)));
            for (const { sessionId, viewers } of watching.items) if (!watchersChanged.has(sessionId)) next.set(sessionId, viewers);
            return next;
          });
        }
        setLoaded(true);
        setError(null);
      } catch (e) {
        if (disposed || mine !== generation) return;
        setError(`Could not load sessions: ${errorMessage(e)}`);
      }
      pending.forEach(dispatch);
      queue = null;
    };

    const socket: Socket<SessionsServerEvents> = io('/sessions', { auth: { token } });
    socket.on('connect', () => {
      setLink('live');
      void load();
    });
    socket.on('disconnect', (reason) => {
      setLink('reconnecting');
      // the client retries on its own after a lost connection, not after the server dropped it
      // (a restart, a shutdown): retry then too, the gateway usually comes back
      if (reason === 'io server disconnect') setTimeout(() => !disposed && socket.connect(), 1000);
    });
    socket.on('connect_error', () => {
      setLink('offline');
      if (generation === 0) void load(); // still show the list when the live stream can't connect
    });
    // The stream's events, delivered together once a frame (a burst renders once). Watchers are
    // marked as seen from the stream at once, so a list loading meanwhile keeps them.
    const stream = createEventBatcher<StreamEvent>((events) => {
      const actions: LiveAction[] = [];
      const viewerChanges = new Map<string, Watcher[]>();
      for (const event of events) {
        if (event.kind === 'viewers') {
          viewerChanges.set(event.sessionId, event.viewers);
          continue;
        }
        if (event.kind === 'ended') {
          actions.push({ type: 'remove', id: event.session.id });
          viewerChanges.set(event.session.id, []);
        } else {
          actions.push({ type: 'upsert', session: event.session as SessionView });
        }
        onEventRef.current?.(event);
      }
      if (actions.length > 0) apply(actions.length === 1 ? actions[0] : { type: 'batch', actions });
      if (viewerChanges.size > 0) {
        setWatchers((current) => [...viewerChanges].reduce((map, [sessionId, viewers]) => withWatchers(map, sessionId, viewers), current));
      }
    });
    socket.on('session.opened', (session) => stream.push({ kind: 'opened', session }));
    socket.on('session.updated', (session) => stream.push({ kind: 'updated', session }));
    socket.on('session.viewers', ({ sessionId, viewers }) => {
      watchersSeen.add(sessionId);
      stream.push({ kind: 'viewers', sessionId, viewers });
    });
    socket.on('session.ended', (entry) => stream.push({ kind: 'ended', session: entry }));

    return () => {
      disposed = true;
      stream.dispose();
      controller.abort();
      socket.close();
    };
  }, [token, onEventRef]);

  const sessions = useMemo(() => [...byId.values()], [byId]);
  const removeLocally = useCallback((id: string) => dispatch({ type: 'remove', id }), []);

  // connected but the gateway no longer answers: it froze, and the stream with it
  const answering = useGatewayLiveness(link === 'live');
  const shown: LinkState = link === 'live' && !answering ? 'reconnecting' : link;

  return { sessions, loaded, link: shown, error, removeLocally, watchers };
}

function withWatchers(current: ReadonlyMap<string, Watcher[]>, sessionId: string, viewers: Watcher[]): ReadonlyMap<string, Watcher[]> {
  if (viewers.length === 0 && !current.has(sessionId)) return current;
  const next = new Map(current);
  if (viewers.length === 0) next.delete(sessionId);
  else next.set(sessionId, viewers);
  return next;
}

/** A ref that always holds the latest value, for callbacks used inside long-lived effects. */
function useLatest<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}
