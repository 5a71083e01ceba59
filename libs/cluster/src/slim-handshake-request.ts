import type { IncomingMessage } from 'node:http';

/** What socket.io and Vigil read from a connection's first HTTP request once it is accepted. */
export type HandshakeRequest = Pick<IncomingMessage, 'headers' | 'url' | 'method' | 'socket' | 'connection'> & { _query?: unknown };

/**
 * engine.io keeps the first HTTP request of every connection (`conn.request`) for the
 * connection's life, though it is done with it once the connection is accepted. An idle `/live`
 * viewer's socket is mostly bookkeeping, and the IncomingMessage, with its stream state and raw
 * header list, was a noticeable part of it. socket.io reads only `headers`, `url`, `_query` and
 * `connection.encrypted` from it when a namespace handshake is built (a connection may join a
 * second namespace later); Vigil reads the handshake's headers (the user agent it audits) and the
 * TCP socket's remote port. A connection keeps just those; the TCP socket is the one the
 * connection holds anyway.
 */
export function slimHandshakeRequest(request: IncomingMessage): HandshakeRequest {
  return {
    headers: request.headers,
    url: request.url,
    method: request.method,
    _query: (request as IncomingMessage & { _query?: unknown })._query,
    socket: request.socket,
    connection: request.socket,
  };
}
