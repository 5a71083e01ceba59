import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { HttpException } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { jsonBody, parseStrictJson, plainJsonLength } from './json-body';

const LIMIT = 1024;

/** An Express app with the reader in front of a route that echoes what it parsed. */
function app(errors: HttpException[] = []) {
  const server = express();
  server.use(jsonBody(LIMIT));
  server.post('/echo', (req: Request, res: Response) => res.json({ body: req.body ?? null }));
  server.use((error: HttpException, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error);
    res.status(error.getStatus()).json({ message: error.message });
  });
  return server;
}

/** Sends raw request bytes on a fresh connection and returns the raw answer. */
function exchange(server: ReturnType<typeof app>, raw: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const listener = server.listen(0, '127.0.0.1', () => {
      const socket = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => listener.close(() => resolve(answer)));
      socket.on('error', reject);
      socket.write(raw);
    });
  });
}

describe('plainJsonLength (which bodies the fast path reads)', () => {
  const json = (extra: Record<string, string>) => ({ 'content-type': 'application/json', 'content-length': '12', ...extra });

  it.each([
    ['application/json', json({}), 12],
    ['a UTF-8 charset, any case, quoted', json({ 'content-type': 'Application/JSON; Charset="UTF-8"' }), 12],
    ['identity encoding', json({ 'content-encoding': 'identity' }), 12],
    ['exactly the limit', json({ 'content-length': String(LIMIT) }), LIMIT],
  ])('reads %s', (_label, headers, expected) => {
    expect(plainJsonLength(headers, LIMIT)).toBe(expected);
  });

  it.each([
    ['no content type', { 'content-length': '12' }],
    ['another type', json({ 'content-type': 'text/plain' })],
    ['a JSON-like type', json({ 'content-type': 'application/json-patch+json' })],
    ['another charset', json({ 'content-type': 'application/json; charset=latin1' })],
    ['another parameter', json({ 'content-type': 'application/json; boundary=x' })],
    ['gzip', json({ 'content-encoding': 'gzip' })],
    ['chunked', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    ['no length', { 'content-type': 'application/json' }],
    ['a length over the limit', json({ 'content-length': String(LIMIT + 1) })],
    ['a malformed length', json({ 'content-length': '12abc' })],
  ])('leaves %s to body-parser', (_label, headers) => {
    expect(plainJsonLength(headers, LIMIT)).toBeNull();
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

describe('jsonBody', () => {
  it('parses a plain JSON body on the fast path and one body-parser reads (gzip, chunked) the same', async () => {
    const server = app();
    const payload = { externalId: 'x-1', nested: { port: 22 } };
    const text = JSON.stringify(payload);
    await request(server).post('/echo').send(payload).expect(200, { body: payload });
    const zipped = gzipSync(text);
    const gzip = await exchange(
      server,
      Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${zipped.length}\r\nConnection: close\r\n\r\n`), zipped]),
    );
    const chunked = await exchange(
      server,
      Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`),
    );
    for (const answer of [gzip, chunked]) {
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain(JSON.stringify({ body: payload }));
    }
  });

  it.each([
    ['malformed JSON', '{"externalId": "x",', 400, /^body: malformed JSON/],
    ['a JSON scalar', '"just a string"', 400, /^body: malformed JSON \(expected an object, got string\)/],
    ['an array', '[{"a": 1}]', 400, /must be a JSON object, not an array/],
    ['a NUL character', '{"user": "a\\u0000b"}', 400, /NUL/],
    ['a hostile depth', `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`, 400, /nested deeper than/],
  ])('refuses %s', async (_label, body, status, message) => {
    const res = await request(app()).post('/echo').set('Content-Type', 'application/json').send(body).expect(status);
    expect(res.body.message).toMatch(message);
  });

  it('leaves an oversize body and another charset to body-parser, which refuses them', async () => {
    const big = await request(app())
      .post('/echo')
      .send({ pad: 'x'.repeat(LIMIT) })
      .expect(413);
    expect(big.body.message).toBe(`body: larger than the ${LIMIT} byte limit`);
    await request(app()).post('/echo').set('Content-Type', 'application/json; charset=latin1').send('{}').expect(415);
  });

  it('answers the next request after a client hung up mid-body, with no listener left behind', async () => {
    const errors: HttpException[] = [];
    const server = app(errors).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"half":');
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      for (let waited = 0; errors.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(errors.map((e) => e.message)).toEqual(['body: the request was aborted before its end']);
      await request(server).post('/echo').send({ after: true }).expect(200, { body: { after: true } });
    } finally {
      server.close();
    }
  });
});
