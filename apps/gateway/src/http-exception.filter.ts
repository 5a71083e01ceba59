import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidPageTokenError, UnknownColumnError } from '@vigil/common';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * One place that turns errors into answers: HTTP exceptions as they are, known domain errors as
 * 400, body-parser failures as 400/413, anything else as a 500 with a correlation id that is
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
    const parserError = error as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return [400, { statusCode: 400, message: 'body: malformed JSON', error: 'Bad Request' }];
    }
    if (parserError?.type === 'entity.too.large') {
      return [413, { statusCode: 413, message: `body: larger than the ${parserError.limit} byte limit`, error: 'Payload Too Large' }];
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return [parserError.status, { statusCode: parserError.status, message: `body: ${parserError.type ?? 'rejected'}` }];
    }
    const correlationId = randomUUID();
    this.logger.error(`unhandled error ${correlationId}: ${(error as Error)?.stack ?? String(error)}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, { statusCode: 500, message: 'internal error', correlationId }];
  }
}
