import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An HTTP request as controllers and guards see it (Vigil runs NestJS on Fastify). */
export type HttpRequest = FastifyRequest;
/** An HTTP reply as controllers see it. */
export type HttpReply = FastifyReply;

/**
 * Takes the Node response over from Fastify, for a handler that writes the body itself (a
 * stream with back-pressure, bytes a signature covers): Fastify sends nothing more on it. The
 * headers a hook or middleware already set on it stay.
 */
export function takeOverResponse(reply: HttpReply): ServerResponse {
  reply.hijack();
  return reply.raw;
}
