import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * At stop, after the shutdown hooks have ended the sessions, every connection still open is
 * destroyed, upgraded ones included: `server.close()` waits for each, and Fastify's
 * `forceCloseConnections` reaches only those the HTTP parser still owns, not an upgraded
 * WebSocket (the desktop tunnel, a socket.io transport) nor a TLS socket mid-handshake.
 */
export function destroyConnectionsOnClose(fastify: FastifyInstance): void {
  const open = new Set<Socket>();
  fastify.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  fastify.addHook('preClose', (done) => {
    for (const socket of open) socket.destroy();
    open.clear();
    done();
  });
}
