import type { UserPrincipal } from '@vigil/auth';
import type { ViewerMode } from '../control-lock';
import type { ActionAck, AttachAck, ControlAction, ControlOptions } from './live-events';
import type { RemoteSessionState } from './live-cluster-states';
import type { SessionWatchers } from './live-hub.service';
import type { GuacamoleRedemption } from './streams/guacamole-stream';

/**
 * /live between processes (REDIS_URL): a viewer's socket is on one gateway, the session's jump
 * (its mirror, lock and origin) may run in another process. The viewer's gateway forwards each
 * action with socket.io's serverSideEmit; the process that holds the session answers (the others
 * answer null) and applies every rule itself, with the user the viewer's gateway authenticated.
 * Output then reaches the viewer through the session room, over socket.io's Redis adapter.
 */
interface RemoteViewer {
  /** the viewer's socket id on its own gateway */
  viewerId: string;
  user: UserPrincipal;
  sessionId: string;
}

type Answer<T> = (answer: T | null) => void;

export interface LiveClusterEvents {
  'live:attach': (request: RemoteViewer & { mode: ViewerMode }, answer: Answer<AttachAck>) => void;
  'live:input': (request: RemoteViewer & { data: string }, answer: Answer<ActionAck>) => void;
  'live:control': (request: RemoteViewer & { action: ControlAction } & ControlOptions, answer: Answer<ActionAck>) => void;
  'live:message': (request: RemoteViewer & { text: string }, answer: Answer<ActionAck>) => void;
  'live:detach': (request: RemoteViewer, answer: Answer<ActionAck>) => void;
  /**
   * A remote viewer's transport backlog, reported by its gateway when it changes: the holder's
   * backpressure (skip while behind, resync when drained) then works as for its own sockets.
   */
  'live:backlog': (report: RemoteViewer & { bytes: number }) => void;
  /**
   * The sender ended this session in the registry (a terminate through it, a sweep...): the
   * process that carries it closes it now instead of at its next registry poll. The receiver looks
   * at the registry before closing anything, so the message is only a hint.
   */
  'live:ended': (notice: { sessionId: string }) => void;
  /** who watches the sessions this process holds (of `owner`, or all when null) */
  'live:watchers': (request: { owner: string | null }, answer: (watchers: SessionWatchers[]) => void) => void;
  /**
   * Desktop sessions: the holder's viewers or control lock changed. Viewers' Guacamole tunnels on
   * other gateways forward input only while this says their viewer holds the lock, and close when
   * it no longer lists their viewer.
   */
  'live:state': (notice: { sessionId: string; state: RemoteSessionState }) => void;
  /**
   * A Guacamole tunnel was shown a token its gateway did not mint: the minter consumes it and
   * answers (the others answer null), with the joined session's state.
   */
  'live:redeem': (request: { tokenHash: string }, answer: (answer: { redemption: GuacamoleRedemption; state: RemoteSessionState | null } | null) => void) => void;
  /** which of these sessions this process holds (a tunnel elsewhere closes when its holder is gone) */
  'live:held': (request: { sessionIds: string[] }, answer: (held: string[]) => void) => void;
}

/** the actions a viewer's gateway forwards to the session's holder */
export type ViewerActions = Exclude<keyof LiveClusterEvents, 'live:watchers' | 'live:backlog' | 'live:ended' | 'live:state' | 'live:redeem' | 'live:held'>;
export type LiveClusterRequest<E extends ViewerActions> = Parameters<LiveClusterEvents[E]>[0];
export type LiveClusterAnswer<E extends ViewerActions> = Parameters<Parameters<LiveClusterEvents[E]>[1]>[0];
