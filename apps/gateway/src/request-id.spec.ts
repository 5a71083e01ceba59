import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { requestId } from './request-id';

function run(header: string | string[] | undefined) {
  const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as unknown as FastifyRequest;
  const sent: Record<string, string> = {};
  const reply = { raw: { setHeader: (name: string, value: string) => (sent[name] = value) } } as unknown as FastifyReply;
  let nexts = 0;
  requestId(() => 'fresh-id').call(undefined as never, req, reply, (() => nexts++) as HookHandlerDoneFunction);
  return { stored: req.headers['x-request-id'], sent: sent['X-Request-Id'], nexts };
}

describe('requestId', () => {
  it("keeps a client's well-formed id and echoes it", () => {
    expect(run('proxy-7f3a.42:1')).toEqual({ stored: 'proxy-7f3a.42:1', sent: 'proxy-7f3a.42:1', nexts: 1 });
  });

  it('gives a request without one a fresh id', () => {
    expect(run(undefined)).toEqual({ stored: 'fresh-id', sent: 'fresh-id', nexts: 1 });
  });

  it('replaces forged or oversize ids instead of storing them', () => {
    for (const bad of ['', 'a b', 'x\r\nSet-Cookie: y', 'é', 'a'.repeat(129), ['one', 'two']]) {
      expect(run(bad)).toEqual({ stored: 'fresh-id', sent: 'fresh-id', nexts: 1 });
    }
  });
});
