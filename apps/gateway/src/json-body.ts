import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { NUL_REFUSED, holdsNul, readRawBody } from '@vigil/common';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The JSON body of every route but the AWS edge, with failures turned into answers that say what
 * was wrong with the body (malformed, too large, too deep, wrong charset) instead of a parser's
 * internal message.
 *
 * What agents and browsers send (`application/json`, UTF-8, a Content-Length within the limit, no
 * Content-Encoding) is read and parsed here: body-parser's generic path (media-type and charset
 * parsing, iconv decoding, raw-body's stream bookkeeping) cost ~80 µs of the ~400 µs a bare
 * open+end cycle takes (bench/registry). Everything else (chunked, compressed, another charset,
 * no or an oversize length, another type) goes to body-parser, which decides as before.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const generic = json({ limit: limitBytes, strict: true });
  return (req: Request, res: Response, next: NextFunction) => {
    // POST / is the AWS JSON edge (libs/aws-protocol): SigV4 signs the raw bytes, which it reads itself.
    if (req.method === 'POST' && req.path === '/') return next();
    const checked = (error?: BodyParserError) => {
      if (error) return next(describe(error));
      const refusal = refusalOf(req.body);
      if (refusal) {
        req.body = undefined;
        return next(refusal);
      }
      next();
    };
    if (plainJsonLength(req.headers, limitBytes) === null) return generic(req, res, checked);
    readRawBody(req, limitBytes).then(
      (bytes) => {
        try {
          req.body = parseStrictJson(bytes);
        } catch (error) {
          return next(new BadRequestException(`body: malformed JSON (${(error as Error).message})`));
        }
        checked();
      },
      () => next(new BadRequestException('body: the request was aborted before its end')),
    );
  };
}

/**
 * The declared length of a body the fast path may read: `application/json` (charset absent or
 * UTF-8), identity encoding, a Content-Length of at most `limitBytes`. null: body-parser's case.
 */
export function plainJsonLength(headers: IncomingHttpHeaders, limitBytes: number): number | null {
  const type = headers['content-type'];
  if (type === undefined || !isPlainJsonType(type)) return null;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return null;
  if (headers['transfer-encoding'] !== undefined) return null;
  const declared = headers['content-length'];
  if (declared === undefined || !/^\d{1,9}$/.test(declared)) return null;
  const length = Number(declared);
  return length <= limitBytes ? length : null;
}

/** `application/json`, with at most a UTF-8 charset parameter (any case, optional quotes and spaces). */
function isPlainJsonType(header: string): boolean {
  const [mediaType, ...parameters] = header.toLowerCase().split(';');
  if (mediaType.trim() !== 'application/json') return false;
  return parameters.every((parameter) => /^\s*charset\s*=\s*"?utf-8"?\s*$/.test(parameter));
}

/**
 * body-parser's strict JSON: an empty body is `{}` (a common client mistake it forgives), the
 * text must be an object or an array, a UTF-8 byte order mark is dropped (iconv drops it).
 */
export function parseStrictJson(bytes: Buffer): unknown {
  const text = (bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes).toString('utf8');
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*(.?)/.exec(text)![1];
  if (first !== '{' && first !== '[') {
    // the parser's own message when the text is not JSON at all; ours when it is JSON, but a scalar
    const value: unknown = JSON.parse(text);
    throw new SyntaxError(`expected an object, got ${value === null ? 'null' : typeof value}`);
  }
  return JSON.parse(text);
}

/** What no Vigil route accepts, whichever parser read the body. */
function refusalOf(body: unknown): HttpException | null {
  // Every Vigil route takes an object; an array would reach validation as a list of DTOs.
  if (Array.isArray(body)) return new BadRequestException('body: must be a JSON object, not an array');
  // Before validation, whose recursion a hostile depth would overflow (a 500).
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) return new BadRequestException(`body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (holdsNul(body)) return new BadRequestException(`body: ${NUL_REFUSED}`);
  return null;
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
