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
 * The RDP/VNC sessions this gateway carries, by Vigil session id. Closing a tunnel sends the
 * browser a Guacamole `error` with the reason (guacamole-common-js shows it), then closes the
 * WebSocket; a client that does not answer the close handshake is cut off after 2 s.
 */
@Injectable()
export class RdpSessions {
  private readonly live = new Map<string, LiveRdpSession>();

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

  /** Closes the tunnels of one /live viewer (it detached, disconnected or was revoked). */
  closeViewer(sessionId: string, viewerId: string, reason = 'You stopped watching'): number {
    const session = this.live.get(sessionId);
    if (!session) return 0;
    const leaving = [...session.viewers].filter((v) => v.viewerId === viewerId);
    for (const viewer of leaving) {
      session.viewers.delete(viewer);
      closeTunnel(viewer.ws, reason);
    }
    return leaving.length;
  }

  /**
   * Closes every viewer of the session (guacd keeps a connection alive while any member remains,
   * so the user's leaving must take the viewers along). Returns how many were closed.
   */
  closeViewers(sessionId: string, reason = 'The session ended'): number {
    const session = this.live.get(sessionId);
    if (!session) return 0;
    const viewers = [...session.viewers];
    session.viewers.clear();
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
