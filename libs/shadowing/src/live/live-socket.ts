import type { Namespace, Socket } from 'socket.io';
import type { UserPrincipal } from '@vigil/auth';
import type { LiveClusterEvents } from './live-cluster-events';
import type { LiveClientEvents, LiveServerEvents } from './live-events';

export type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, LiveClusterEvents, { user: UserPrincipal }>;
export type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, LiveClusterEvents>;

/** The room of a session's live viewers, on every gateway of the cluster. */
export const liveRoom = (sessionId: string): string => `live:${sessionId}`;

/**
 * Bytes queued towards a viewer: what its websocket has not handed to the kernel yet, plus what
 * engine.io holds back meanwhile. While a send is outstanding engine.io keeps later packets in its
 * own write buffer, so a stalled viewer's backlog grows there, not in the websocket.
 */
export function transportBacklog(socket: LiveSocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: { data?: string | ArrayBufferLike | ArrayBufferView }[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let queued = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') queued += data.length;
    else if (data) queued += data.byteLength;
  }
  return queued;
}
