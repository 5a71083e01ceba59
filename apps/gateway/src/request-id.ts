import { randomUUID } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';

/** What a client may send as its own request id: short, no spaces or control characters. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Every HTTP request gets an id, echoed in `X-Request-Id` and kept as the `requestID` of the
 * audit records it causes (httpAuditContext reads the header): the client's own id when it sent
 * a well-formed one (a proxy's, to correlate), else a fresh one. A malformed id is replaced,
 * never stored.
 */
export function requestId(newId: () => string = randomUUID): onRequestHookHandler {
  return (request, reply, done) => {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : newId();
    request.headers['x-request-id'] = id;
    reply.raw.setHeader('X-Request-Id', id);
    done();
  };
}
