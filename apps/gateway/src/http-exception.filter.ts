import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type HttpReply, type HttpRequest, InvalidPageTokenError, UnknownColumnError } from '@vigil/common';
import { DatabaseUnavailableAnswers } from './database-unavailable';

/**
 * One place that turns errors into answers: HTTP exceptions as they are, known domain errors as
 * 400, anything else as a 500 with a correlation id that is
 * also in the log (the details stay in the log).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');
  private readonly databaseUnavailable = new DatabaseUnavailableAnswers();

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<HttpReply>();
    // a body already under way (a stream): only ending it is left
    if (reply.raw.headersSent) {
      reply.raw.end();
      return;
    }
    const headers: Record<string, string> = {};
    // The database being away is not a bug: 503 with Retry-After, so agents retry instead of giving up.
    const unavailable = this.databaseUnavailable.answer(error);
    if (unavailable) headers['Retry-After'] = String(unavailable.retryAfterSeconds);
    const [status, body] = unavailable ? [unavailable.status, unavailable.body] : this.describe(error);
    // Answered before the request's body was read to its end (too large, refused early): the rest
    // of it must not be read as the next request on this connection.
    if (!http.getRequest<HttpRequest>().raw.complete) headers.Connection = 'close';
    if (!reply.sent) {
      reply.status(status).headers(headers).send(body);
      return;
    }
    // a handler took the Node response over (takeOverResponse) and failed before writing to it
    const raw = reply.raw;
    raw.statusCode = status;
    for (const [name, value] of Object.entries(headers)) raw.setHeader(name, value);
    raw.setHeader('Content-Type', 'application/json; charset=utf-8');
    raw.end(JSON.stringify(body));
  }

  private describe(error: unknown): [number, object] {
    if (error instanceof HttpException) {
      return [error.getStatus(), publicBody(error.getStatus(), error.getResponse())];
    }
    if (error instanceof UnknownColumnError || error instanceof InvalidPageTokenError) {
      return [400, { statusCode: 400, message: error.message, error: 'Bad Request' }];
    }
    // Fastify's own refusals before any route ran (a malformed URL, a bad Content-Type header): its status, its message
    const refused = fastifyClientError(error);
    if (refused) return [refused.statusCode, { statusCode: refused.statusCode, message: refused.message }];
    const correlationId = randomUUID();
    this.logger.error(`unhandled error ${correlationId}: ${(error as Error)?.stack ?? String(error)}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, { statusCode: 500, message: 'internal error', correlationId }];
  }
}

/** An answer never carries a stack trace or an error's cause, whatever an exception was built with. */
function publicBody(status: number, response: string | object): object {
  if (typeof response === 'string') return { statusCode: status, message: response };
  if (response instanceof Error) return { statusCode: status, message: response.message };
  const { stack: _stack, cause: _cause, ...rest } = response as Record<string, unknown>;
  return rest;
}

/** A 4xx error Fastify raised itself (`FST_ERR_*`, with its status code). */
function fastifyClientError(error: unknown): { statusCode: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, statusCode, message } = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  return { statusCode, message: typeof message === 'string' ? message : 'bad request' };
}
