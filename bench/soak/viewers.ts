import { io, Socket } from 'socket.io-client';
import { inBatches } from '../ssh/live-client';

export interface SessionsViewers {
  /** events received since the last `take()` */
  takeEvents(): number;
  /** sockets still connected */
  connected(): number;
  /** sockets that were disconnected by the server or the network during the run */
  lost: number;
  close(): void;
}

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/sessions`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Sessions pages: each token in `tokens` is one open page (one socket.io connection on /sessions). */
export async function openSessionsPages(url: string, tokens: string[]): Promise<SessionsViewers> {
  let events = 0;
  let closing = false;
  const viewers: SessionsViewers = {
    takeEvents: () => {
      const n = events;
      events = 0;
      return n;
    },
    connected: () => sockets.filter((s) => s.connected).length,
    lost: 0,
    close: () => {
      closing = true;
      sockets.forEach((s) => s.close());
    },
  };
  const sockets = await inBatches(tokens, 20, async (token) => {
    const socket = await connect(url, token);
    for (const name of ['session.opened', 'session.updated', 'session.ended', 'session.viewers']) socket.on(name, () => events++);
    socket.on('disconnect', () => {
      if (!closing) viewers.lost++;
    });
    return socket;
  });
  return viewers;
}
