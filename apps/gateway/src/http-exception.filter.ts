import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidPageTokenError, UnknownColumnError } from '@vigil/common';
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
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    // The database being away is not a bug: 503 with Retry-After, so agents retry instead of giving up.
    const unavailable = this.databaseUnavailable.answer(error);
    if (unavailable) {
      res.setHeader('Retry-After', String(unavailable.retryAfterSeconds));
      res.status(unavailable.status).json(unavailable.body);
      return;
    }
    const [status, body] = this.describe(error);
    res.status(status).json(body);
  }

  private describe(error: unknown): [number, object] {
    if (error instanceof HttpException) {
      return [error.getStatus(), publicBody(error.getStatus(), error.getResponse())];
    }
    if (error instanceof UnknownColumnError || error instanceof InvalidPageTokenError) {
      return [400, { statusCode: 400, message: error.message, error: 'Bad Request' }];
    }
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
