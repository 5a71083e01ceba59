import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { HttpExceptionFilter } from './http-exception.filter';

/** A Fastify reply and request as far as the filter uses them, recording what was answered. */
function exchange(options: { complete?: boolean; takenOver?: boolean; headersSent?: boolean } = {}) {
  const answer: { via?: 'reply' | 'raw'; status?: number; headers: Record<string, string>; body?: unknown; ended: boolean } = { headers: {}, ended: false };
  const raw = {
    headersSent: options.headersSent ?? false,
    statusCode: 200,
    setHeader: (name: string, value: string) => void (answer.headers[name] = value),
    end: (text?: string) => {
      answer.ended = true;
      if (text !== undefined) {
        answer.via = 'raw';
        answer.status = raw.statusCode;
        answer.body = JSON.parse(text);
      }
    },
  };
  const reply = {
    raw,
    sent: options.takenOver ?? false,
    status: (status: number) => ((answer.status = status), reply),
    headers: (headers: Record<string, string>) => (Object.assign(answer.headers, headers), reply),
    send: (body: unknown) => {
      answer.via = 'reply';
      answer.body = body;
    },
  };
  const request = { raw: { complete: options.complete ?? true } };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) } as unknown as ArgumentsHost;
  return { host, answer };
}

describe('HttpExceptionFilter', () => {
  const filter = new HttpExceptionFilter();

  it('answers an HTTP exception through the reply, keeping the connection when the body was read', () => {
    const { host, answer } = exchange();
    filter.catch(new NotFoundException('session x not found'), host);
    expect(answer).toMatchObject({ via: 'reply', status: 404, body: { statusCode: 404, message: 'session x not found' } });
    expect(answer.headers.Connection).toBeUndefined();
  });

  it('closes the connection when it answers before the request body was read to its end', () => {
    const { host, answer } = exchange({ complete: false });
    filter.catch(new PayloadTooLargeException('body: larger than the 65536 byte limit'), host);
    expect(answer).toMatchObject({ via: 'reply', status: 413, headers: { Connection: 'close' } });
  });

  it("keeps the status and message of Fastify's own 4xx refusals instead of a 500", () => {
    const { host, answer } = exchange();
    filter.catch(Object.assign(new Error("'/%zz' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 }), host);
    expect(answer).toMatchObject({ status: 400, body: { statusCode: 400, message: "'/%zz' is not a valid url component" } });
  });

  it('writes a 500 JSON answer on the Node response a handler took over and failed before writing to', () => {
    const { host, answer } = exchange({ takenOver: true });
    filter.catch(new Error('the first page of the export failed'), host);
    expect(answer).toMatchObject({ via: 'raw', status: 500, ended: true, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(answer.body).toMatchObject({ statusCode: 500, message: 'internal error' });
    expect(JSON.stringify(answer.body)).not.toContain('the first page');
  });

  it('only ends a response whose body is already under way', () => {
    const { host, answer } = exchange({ takenOver: true, headersSent: true });
    filter.catch(new Error('the disk went away mid-stream'), host);
    expect(answer).toMatchObject({ ended: true, headers: {} });
    expect(answer.via).toBeUndefined();
  });
});
