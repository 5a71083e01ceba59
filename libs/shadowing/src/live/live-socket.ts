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

/** The parts of engine.io / ws behind one viewer that writeLiveFrame reads; any may be missing. */
interface RawTransport {
  readyState?: string;
  writeBuffer?: unknown[];
  transport?: {
    name?: string;
    socket?: {
      readyState?: number;
      _sender?: { _queue?: unknown[] };
      _socket?: { writable?: boolean; write?(frame: Buffer): boolean };
    };
  };
}

const WS_OPEN = 1;

/**
 * Writes a prebuilt websocket frame (liveEventFrame) straight to the viewer's TCP socket, behind
 * whatever engine.io and ws have already handed it, so it keeps its place among the viewer's
 * other events. Returns false, having written nothing, when that cannot be guaranteed: engine.io
 * still holds packets of its own (a send in progress: they must go first), ws has queued frames,
 * the transport is not a websocket (long-polling, or mid-upgrade), or the connection is closing.
 * The caller then emits the event through socket.io instead, which queues it behind them.
 *
 * The frame's bytes count in the websocket's bufferedAmount like any other send, so
 * transportBacklog (and the viewer's backpressure) sees them.
 */
export function writeLiveFrame(socket: LiveSocket, frame: Buffer): boolean {
  const conn = socket.conn as unknown as RawTransport;
  if (conn.readyState !== 'open' || conn.writeBuffer?.length !== 0) return false;
  const transport = conn.transport;
  const ws = transport?.socket;
  const tcp = ws?._socket;
  if (transport?.name !== 'websocket' || ws?.readyState !== WS_OPEN || ws._sender?._queue?.length !== 0) return false;
  if (!tcp?.writable || typeof tcp.write !== 'function') return false;
  tcp.write(frame);
  return true;
}
