import * as zlib from 'node:zlib';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { BadRequestException, HttpException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { BodyTooLargeError, NUL_REFUSED, holdsNul, readRawBody } from '@vigil/common';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

type Decompress = (bytes: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer;
const DECOMPRESSORS: Record<string, Decompress> = {
  gzip: zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
};

/**
 * The request bodies Vigil reads. `application/json` is parsed here, with failures answered by
 * what was wrong with the body (malformed, too large, too deep, wrong charset or encoding)
 * instead of a parser's internal message. Every other type is left unread: the routes that take
 * no JSON ignore it, and the AWS edge (POST /) reads the bytes itself, SigV4 signs them, also
 * when a client labels them `application/json` (the edge then refuses the type, AWS-shaped).
 */
export function registerJsonBodies(fastify: FastifyInstance, limitBytes: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    if (isAwsEdge(request.raw.url)) return done(null, undefined);
    readJsonBody(request.headers, payload, limitBytes).then(
      (body) => done(null, body),
      (error: Error) => done(error),
    );
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

/** The AWS JSON edge: POST / (libs/aws-protocol). */
function isAwsEdge(url: string | undefined): boolean {
  return url === '/' || (url?.startsWith('/?') ?? false);
}

/** Reads, decompresses, decodes, parses and checks one JSON body; rejects with the answer to give. */
async function readJsonBody(headers: IncomingHttpHeaders, payload: IncomingMessage, limitBytes: number): Promise<unknown> {
  const charset = charsetOf(headers['content-type'] ?? '');
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpException(`body: unsupported charset "${charset.toUpperCase()}" (send UTF-8)`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decompress = encoding === 'identity' ? null : DECOMPRESSORS[encoding];
  if (decompress === undefined) throw new HttpException(`body: unsupported content encoding "${encoding}"`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);

  let bytes: Buffer;
  try {
    bytes = await readRawBody(payload, limitBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new PayloadTooLargeException(`body: larger than the ${limitBytes} byte limit`);
    throw new BadRequestException('body: the request was aborted before its end');
  }
  if (decompress) {
    try {
      // bounded: a small compressed body must not expand past the limit (a zip bomb)
      bytes = decompress(bytes, { maxOutputLength: limitBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeException(`body: larger than the ${limitBytes} byte limit once decompressed`);
      throw new BadRequestException(`body: not valid ${encoding} data`);
    }
  }
  let body: unknown;
  try {
    body = parseStrictJson(bytes);
  } catch (error) {
    throw new BadRequestException(`body: malformed JSON (${(error as Error).message})`);
  }
  const refusal = refusalOf(body);
  if (refusal) throw refusal;
  return body;
}

/** The charset parameter of a Content-Type, lowercased and unquoted; null when absent. */
export function charsetOf(contentType: string): string | null {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, ...value] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset') return value.join('=').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return null;
}

/**
 * Strict JSON, as body-parser had it: an empty body is `{}` (a common client mistake it
 * forgives), the text must be an object or an array, a UTF-8 byte order mark is dropped.
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

/** What no Vigil route accepts. */
function refusalOf(body: unknown): HttpException | null {
  // Every Vigil route takes an object; an array would reach validation as a list of DTOs.
  if (Array.isArray(body)) return new BadRequestException('body: must be a JSON object, not an array');
  // Before validation, whose recursion a hostile depth would overflow (a 500).
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) return new BadRequestException(`body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (holdsNul(body)) return new BadRequestException(`body: ${NUL_REFUSED}`);
  return null;
}
