import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { encodeInstruction } from './guacamole-instructions';
import type { ViewerMode } from './tunnel-token-store';

/** Guacamole status SESSION_CLOSED (0x0209): the session was ended by the server, on purpose. */
export const SESSION_CLOSED_STATUS = 521;

/** A viewer's tunnel joined to a live RDP/VNC session. */
export interface RdpViewer {
  ws: WebSocket;
  /** the /live viewer it belongs to (LiveHub), when minted through GUACAMOLE_JOIN_MINTER */
  viewerId?: string;
  username: string;
  mode: ViewerMode;
}

/** A user's RDP/VNC session carried by this gateway, from guacd's `ready` until its tunnel closes. */
export interface LiveRdpSession {
  sessionId: string;
  /** guacd's connection id (`$uuid`), what viewers join */
  connectionId: string;
  owner: string;
  username: string;
  targetName: string;
  userWs: WebSocket;
  viewers: Set<RdpViewer>;
  lastInputAt: number;
  /** a viewer paused the user's keyboard and mouse (`/live control pause-user`): their input is dropped */
  userInputPaused?: boolean;
  /** set when Vigil itself ends the session (terminate, idle, shutdown): the tunnel's close is then not the user's */
  endedByVigil?: { reason: 'ended' | 'timeout' | 'terminated' | 'failed'; message?: string };
}

/**
 * The RDP/VNC sessions this gateway carries, by Vigil session id, and the viewer tunnels it serves
 * for sessions another gateway carries (`remote`: joined to the same guacd connection). Closing a tunnel sends the
 * browser a Guacamole `error` with the reason (guacamole-common-js shows it), then closes the
 * WebSocket; a client that does not answer the close handshake is cut off after 2 s.
 */
@Injectable()
export class RdpSessions {
  private readonly live = new Map<string, LiveRdpSession>();
  /** session id (carried elsewhere) → this gateway's viewer tunnels joined to it */
  private readonly remote = new Map<string, Set<RdpViewer>>();

  get(sessionId: string): LiveRdpSession | undefined {
    return this.live.get(sessionId);
  }

  all(): LiveRdpSession[] {
    return [...this.live.values()];
  }

  /** @internal the tunnel service */
  add(session: LiveRdpSession): void {
    this.live.set(session.sessionId, session);
  }

  /** @internal the tunnel service */
  remove(sessionId: string): LiveRdpSession | undefined {
    const session = this.live.get(sessionId);
    this.live.delete(sessionId);
    return session;
  }

  /** @internal the tunnel service: a viewer tunnel here joined a session another gateway carries */
  addRemoteViewer(sessionId: string, viewer: RdpViewer): void {
    let viewers = this.remote.get(sessionId);
    if (!viewers) this.remote.set(sessionId, (viewers = new Set()));
    viewers.add(viewer);
  }

  /** @internal the tunnel service: that tunnel closed */
  removeRemoteViewer(sessionId: string, ws: WebSocket): void {
    const viewers = this.remote.get(sessionId);
    if (!viewers) return;
    for (const viewer of viewers) if (viewer.ws === ws) viewers.delete(viewer);
    if (viewers.size === 0) this.remote.delete(sessionId);
  }

  /** The sessions carried elsewhere that viewer tunnels here are joined to. */
  remoteSessionIds(): string[] {
    return [...this.remote.keys()];
  }

  remoteViewers(sessionId: string): RdpViewer[] {
    return [...(this.remote.get(sessionId) ?? [])];
  }

  /** Closes the tunnels of one /live viewer (it detached, disconnected or was revoked). */
  closeViewer(sessionId: string, viewerId: string, reason = 'You stopped watching'): number {
    const viewers = this.live.get(sessionId)?.viewers ?? this.remote.get(sessionId);
    if (!viewers) return 0;
    const leaving = [...viewers].filter((v) => v.viewerId === viewerId);
    for (const viewer of leaving) {
      viewers.delete(viewer);
      closeTunnel(viewer.ws, reason);
    }
    if (viewers.size === 0) this.remote.delete(sessionId);
    return leaving.length;
  }

  /**
   * Closes every viewer of the session (guacd keeps a connection alive while any member remains,
   * so the user's leaving must take the viewers along). Returns how many were closed.
   */
  closeViewers(sessionId: string, reason = 'The session ended'): number {
    const viewers = [...(this.live.get(sessionId)?.viewers ?? []), ...(this.remote.get(sessionId) ?? [])];
    this.live.get(sessionId)?.viewers.clear();
    this.remote.delete(sessionId);
    for (const viewer of viewers) closeTunnel(viewer.ws, reason);
    return viewers.length;
  }
}

/** Tells the browser why (a Guacamole `error`), then closes; cut off if it does not answer. */
export function closeTunnel(ws: WebSocket, reason: string, status = SESSION_CLOSED_STATUS): void {
  if (ws.readyState === ws.OPEN) {
    try {
      ws.send(encodeInstruction('error', reason, status));
      ws.close(1000, 'session closed');
    } catch {
      ws.terminate();
      return;
    }
  }
  if (ws.readyState !== ws.CLOSED) setTimeout(() => ws.terminate(), 2_000).unref();
}
