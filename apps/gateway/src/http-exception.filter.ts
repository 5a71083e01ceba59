import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidPageTokenError, UnknownColumnError } from '@vigil/common';

/**
 * One place that turns errors into answers: HTTP exceptions as they are, known domain errors as
 * 400, anything else as a 500 with a correlation id that is
 * also in the log (the details stay in the log).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const [status, body] = this.describe(error);
    res.status(status).json(body);
  }

  private describe(error: unknown): [number, object] {
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const body = typeof response === 'string' ? { statusCode: error.getStatus(), message: response } : response;
      return [error.getStatus(), body];
    }
    if (error instanceof UnknownColumnError || error instanceof InvalidPageTokenError) {
      return [400, { statusCode: 400, message: error.message, error: 'Bad Request' }];
    }
    const correlationId = randomUUID();
    this.logger.error(`unhandled error ${correlationId}: ${(error as Error)?.stack ?? String(error)}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, { statusCode: 500, message: 'internal error', correlationId }];
  }
}
