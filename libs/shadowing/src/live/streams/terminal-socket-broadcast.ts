import type { ScreenSnapshot } from '../../screen-mirror';
import type { LiveClusterRelay } from '../live-cluster-relay';
import { LiveNamespace, liveRoom as room, transportBacklog, writeLiveFrame } from '../live-socket';
import { liveEventFrame } from '../live-socket-frames';
import type { TerminalBroadcast } from './terminal-stream';

/** The terminal adapter's socket side: output, resizes and fresh screens to a session's viewers. */
export class TerminalSocketBroadcast implements TerminalBroadcast {
  constructor(
    private readonly server: LiveNamespace,
    private readonly relay: () => LiveClusterRelay | null,
  ) {}

  /**
   * The session's hot path: one frame built per batch and written as is to each viewer in the
   * room on this process (liveEventFrame). A viewer whose connection cannot take it in order right
   * now gets the same event through socket.io. With REDIS_URL the room may span gateways, so the
   * batch goes through the adapter as before.
   */
  output(sessionId: string, text: string): void {
    if (this.relay()) {
      this.server.to(room(sessionId)).emit('output', { sessionId, data: text });
      return;
    }
    const members = this.server.adapter.rooms.get(room(sessionId));
    if (!members?.size) return;
    const payload = { sessionId, data: text };
    const frame = liveEventFrame(this.server.name, 'output', payload);
    for (const viewerId of members) {
      const socket = this.server.sockets.get(viewerId);
      if (socket && !writeLiveFrame(socket, frame)) socket.emit('output', payload);
    }
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.server.to(room(sessionId)).emit('resize', { sessionId, cols, rows });
  }

  backlog(viewerId: string): number {
    const socket = this.server.sockets.get(viewerId);
    if (!socket) return this.relay()?.remoteBacklog(viewerId) ?? 0;
    return transportBacklog(socket);
  }

  /** A viewer on another gateway is joined to (or taken out of) the room through the adapter. */
  setLive(sessionId: string, viewerId: string, live: boolean): void {
    const socket = this.server.sockets.get(viewerId);
    if (socket) {
      void (live ? socket.join(room(sessionId)) : socket.leave(room(sessionId)));
      return;
    }
    if (!this.relay()) return;
    const remote = this.server.in(viewerId);
    if (live) remote.socketsJoin(room(sessionId));
    else remote.socketsLeave(room(sessionId));
  }

  resync(sessionId: string, viewerId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const socket = this.server.sockets.get(viewerId);
    if (!socket && !this.relay()) return;
    // Every socket is in the room named by its id: `to(viewerId)` reaches it on any gateway.
    const viewer = socket ?? this.server.to(viewerId);
    viewer.emit('resync', { sessionId, ...snapshot });
    for (const data of held) viewer.emit('output', { sessionId, data });
  }

  resyncAll(sessionId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const viewers = this.server.to(room(sessionId));
    viewers.emit('resync', { sessionId, ...snapshot });
    for (const data of held) viewers.emit('output', { sessionId, data });
  }
}
