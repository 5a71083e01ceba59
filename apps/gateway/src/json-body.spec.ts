import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import Fastify from 'fastify';
import { readRawBody } from '@vigil/common';
import { charsetOf, parseStrictJson, registerJsonBodies } from './json-body';

const LIMIT = 1024;

/** A Fastify server with Vigil's body parsers in front of routes that echo what they parsed. */
async function app(errors: HttpException[] = []) {
  const server = Fastify();
  registerJsonBodies(server, LIMIT);
  server.post('/echo', async (request) => ({ body: request.body ?? null }));
  // the AWS edge: reads the bytes itself
  server.post('/', async (request) => ({ body: request.body ?? null, bytes: (await readRawBody(request.raw, LIMIT)).toString() }));
  server.setErrorHandler((error: HttpException, _request, reply) => {
    errors.push(error);
    return reply.status(error.getStatus()).send({ message: error.message });
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return server;
}

type Server = Awaited<ReturnType<typeof app>>;

function post(server: Server, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, url = '/echo') {
  return server.inject({ method: 'POST', url, headers, payload: body });
}



describe('charsetOf', () => {
  it.each([
    ['application/json', null],
    ['application/json; charset=utf-8', 'utf-8'],
    ['Application/JSON; Charset="UTF-8"', 'utf-8'],
    ['application/json;boundary=x; charset = latin1', 'latin1'],
  ])('%s → %s', (header, expected) => {
    expect(charsetOf(header)).toBe(expected);
  });
});

describe('parseStrictJson', () => {
  it('parses objects and arrays, forgives an empty body and drops a byte order mark', () => {
    expect(parseStrictJson(Buffer.from(' {"a": [1, "é"]}\n'))).toEqual({ a: [1, 'é'] });
    expect(parseStrictJson(Buffer.from('[1]'))).toEqual([1]);
    expect(parseStrictJson(Buffer.alloc(0))).toEqual({});
    expect(parseStrictJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"b":2}')]))).toEqual({ b: 2 });
  });

  it('refuses JSON scalars and what is not JSON', () => {
    expect(() => parseStrictJson(Buffer.from('"text"'))).toThrow('expected an object, got string');
    expect(() => parseStrictJson(Buffer.from('null'))).toThrow('expected an object, got null');
    expect(() => parseStrictJson(Buffer.from('{"a":'))).toThrow(SyntaxError);
    expect(() => parseStrictJson(Buffer.from('hello'))).toThrow(SyntaxError);
  });
});

/** Sends raw request bytes on a fresh connection and returns the raw answer. */
function exchange(server: Server, raw: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect((server.server.address() as AddressInfo).port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(raw);
  });
}

describe('registerJsonBodies', () => {
  let server: Server;
  const errors: HttpException[] = [];
  beforeAll(async () => {
    server = await app(errors);
  });
  afterAll(() => server.close());
  beforeEach(() => errors.splice(0));

  it('parses a JSON body, plain, compressed (gzip, brotli) or chunked, the same', async () => {
    const payload = { externalId: 'x-1', nested: { port: 22 } };
    const text = JSON.stringify(payload);
    expect((await post(server, text)).json()).toEqual({ body: payload });
    expect((await post(server, gzipSync(text), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).json()).toEqual({ body: payload });
    expect((await post(server, brotliCompressSync(text), { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'br' })).json()).toEqual({ body: payload });
    const chunked = await exchange(
      server,
      Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`),
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 200/);
    expect(chunked).toContain(JSON.stringify({ body: payload }));
  });

  it.each([
    ['malformed JSON', '{"externalId": "x",', 400, /^body: malformed JSON/],
    ['a JSON scalar', '"just a string"', 400, /^body: malformed JSON \(expected an object, got string\)/],
    ['an array', '[{"a": 1}]', 400, /must be a JSON object, not an array/],
    ['a NUL character', '{"user": "a\\u0000b"}', 400, /NUL/],
    ['a hostile depth', `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`, 400, /nested deeper than/],
    ['an oversize body', JSON.stringify({ pad: 'x'.repeat(LIMIT) }), 413, /^body: larger than the 1024 byte limit$/],
  ])('refuses %s', async (_label, body, status, message) => {
    const res = await post(server, body);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(message);
  });

  it('refuses another charset, an unknown encoding, corrupt gzip and a gzip bomb', async () => {
    const answers = await Promise.all([
      post(server, '{}', { 'content-type': 'application/json; charset=latin1' }),
      post(server, '{}', { 'content-type': 'application/json', 'content-encoding': 'compress' }),
      post(server, Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      post(server, gzipSync(JSON.stringify({ pad: ' '.repeat(100 * LIMIT) })), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    ]);
    expect(answers.map((a) => [a.statusCode, a.json().message])).toEqual([
      [415, 'body: unsupported charset "LATIN1" (send UTF-8)'],
      [415, 'body: unsupported content encoding "compress"'],
      [400, 'body: not valid gzip data'],
      [413, 'body: larger than the 1024 byte limit once decompressed'],
    ]);
  });

  it('leaves other types and the AWS edge unread', async () => {
    expect((await post(server, 'plain words', { 'content-type': 'text/plain' })).json()).toEqual({ body: null });
    const edge = await post(server, '{"State":"Active"}', { 'content-type': 'application/json' }, '/');
    expect(edge.json()).toEqual({ body: null, bytes: '{"State":"Active"}' });
  });

  it('answers the next request after a client hung up mid-body', async () => {
    const socket = net.connect((server.server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"half":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    for (let waited = 0; errors.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors.map((e) => e.message)).toEqual(['body: the request was aborted before its end']);
    expect((await post(server, '{"after": true}')).json()).toEqual({ body: { after: true } });
  });
});
