import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { NUL_REFUSED, holdsNul } from '@vigil/common';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Express's JSON parser, with its failures turned into answers that say what was wrong with the
 * body (malformed, too large, too deep, wrong charset) instead of a parser's internal message.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({ limit, strict: true });
  return (req: Request, res: Response, next: NextFunction) => {
    // POST / is the AWS JSON edge (libs/aws-protocol): SigV4 signs the raw bytes, which it reads itself.
    if (req.method === 'POST' && req.path === '/') return next();
    parse(req, res, (error?: BodyParserError) => {
      if (error) return next(describe(error));
      // Every Vigil route takes an object; an array would reach validation as a list of DTOs.
      if (Array.isArray(req.body)) return next(new BadRequestException('body: must be a JSON object, not an array'));
      // Before validation, whose recursion a hostile depth would overflow (a 500).
      if (nestedDeeperThan(req.body, MAX_JSON_DEPTH)) {
        req.body = undefined;
        return next(new BadRequestException(`body: nested deeper than ${MAX_JSON_DEPTH} levels`));
      }
      if (holdsNul(req.body)) {
        req.body = undefined;
        return next(new BadRequestException(`body: ${NUL_REFUSED}`));
      }
      next();
    });
  };
}

function describe(error: BodyParserError): HttpException {
  switch (error.type) {
    case 'entity.parse.failed':
      return new BadRequestException(`body: malformed JSON (${error.message})`);
    case 'entity.too.large':
      return new PayloadTooLargeException(`body: larger than the ${error.limit} byte limit`);
    default:
      return new HttpException(`body: ${error.message}`, error.status && error.status >= 400 && error.status < 500 ? error.status : 400);
  }
}
