import { io, Socket } from 'socket.io-client';

export interface AttachAck {
  ok: boolean;
  error?: string;
  screen: string;
  cols: number;
  rows: number;
}

/** A socket.io client on the gateway's `/live` namespace (websocket transport, as the web console uses). */
export function connectLive(url: string, token: string, timeoutMs = 30_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export async function attachView(socket: Socket, sessionId: string, timeoutMs = 60_000): Promise<AttachAck> {
  const ack = (await socket.timeout(timeoutMs).emitWithAck('attach', { sessionId, mode: 'view' })) as AttachAck;
  if (!ack.ok) throw new Error(`attach refused: ${ack.error}`);
  return ack;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}
