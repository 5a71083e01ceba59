import { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import { MessageHandler, bindPlainMessageHandlers, mapHandlerArgs } from './plain-message-handlers';

/** A socket.io server socket as far as the handlers see it: events in, emits recorded. */
class FakeSocket extends EventEmitter {
  connected = true;
  readonly emitted: unknown[][] = [];
  // `emit` is the socket's outgoing side; incoming events are delivered with `receive`
  override emit(event: string, ...args: unknown[]): boolean {
    this.emitted.push([event, ...args]);
    return true;
  }
  receive(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners(event)) (listener as (...a: unknown[]) => void)(...args);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function bind(handlers: MessageHandler[]) {
  const socket = new FakeSocket();
  const errors: unknown[] = [];
  bindPlainMessageHandlers(socket, handlers, (error) => errors.push(error));
  return { socket, errors };
}

describe('mapHandlerArgs (Nest IoAdapter.mapPayload over fromEvent arguments)', () => {
  const ack = () => undefined;
  it.each([
    ['data and ack', [{ a: 1 }, ack], { data: { a: 1 }, ack }],
    ['ack only', [ack], { data: undefined, ack }],
    ['data only', [{ a: 1 }], { data: { a: 1 } }],
    ['nothing', [], { data: undefined }],
    ['one array argument (kept whole)', [[1, 2]], { data: [1, 2] }],
    ['an array and an ack', [[1, 2], ack], { data: [1, 2], ack }],
    ['several arguments and an ack', [1, 2, ack], { data: [1, 2], ack }],
    ['several arguments', [1, 2], { data: [1, 2] }],
    ['one array ending in a function (its last element is the ack, as in Nest)', [[1, ack]], { data: 1, ack }],
  ])('%s', (_name, args, expected) => {
    expect(mapHandlerArgs(args as unknown[])).toEqual(expected);
  });
});

describe('bindPlainMessageHandlers', () => {
  it('passes the data and acks with a promised result', async () => {
    const seen: unknown[] = [];
    const { socket, errors } = bind([{ message: 'attach', callback: async (data) => (seen.push(data), { ok: true, echo: data }) }]);
    const ack = jest.fn();
    socket.receive('attach', { sessionId: 's1' }, ack);
    await settle();
    expect(seen).toEqual([{ sessionId: 's1' }]);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith({ ok: true, echo: { sessionId: 's1' } });
    expect(errors).toEqual([]);
  });

  it('acks a plain (synchronous) result, and only the handler of that message runs', async () => {
    const other = jest.fn();
    const { socket } = bind([
      { message: 'a', callback: () => 'answer' },
      { message: 'b', callback: other },
    ]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    await settle();
    expect(ack).toHaveBeenCalledWith('answer');
    expect(other).not.toHaveBeenCalled();
  });

  it('does not ack null or undefined', async () => {
    const { socket } = bind([
      { message: 'a', callback: () => undefined },
      { message: 'b', callback: async () => null },
    ]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    socket.receive('b', 1, ack);
    await settle();
    expect(ack).not.toHaveBeenCalled();
  });

  it('emits a { event, data } result as that event instead of acking it', async () => {
    const { socket } = bind([{ message: 'a', callback: async () => ({ event: 'reply', data: { n: 1 } }) }]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    await settle();
    expect(socket.emitted).toEqual([['reply', { n: 1 }]]);
    expect(ack).not.toHaveBeenCalled();
  });

  it('does not ack when the handler handles its ack itself', async () => {
    const { socket } = bind([{ message: 'a', callback: async () => 'x', isAckHandledManually: true }]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    await settle();
    expect(ack).not.toHaveBeenCalled();
  });

  it('answers nothing once the socket has disconnected (a slow handler finishing after the disconnect)', async () => {
    let finish!: (value: unknown) => void;
    const { socket } = bind([{ message: 'a', callback: () => new Promise((resolve) => (finish = resolve)) }]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    socket.connected = false;
    finish({ ok: true });
    await settle();
    expect(ack).not.toHaveBeenCalled();
  });

  it('acks each value of an observable result until the socket disconnects', async () => {
    const answers = new Subject<number>();
    const { socket } = bind([{ message: 'a', callback: () => answers }]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    await settle();
    answers.next(1);
    answers.next(2);
    socket.connected = false;
    socket.receive('disconnect');
    answers.next(3);
    expect(ack.mock.calls).toEqual([[1], [2]]);
    expect(answers.observed).toBe(false);
  });

  it('reports a handler that throws or rejects, and keeps handling that message', async () => {
    let calls = 0;
    const { socket, errors } = bind([
      {
        message: 'a',
        callback: () => {
          calls += 1;
          if (calls === 1) throw new Error('sync boom');
          if (calls === 2) return Promise.reject(new Error('async boom'));
          return 'fine';
        },
      },
    ]);
    const ack = jest.fn();
    socket.receive('a', 1, ack);
    socket.receive('a', 2, ack);
    socket.receive('a', 3, ack);
    await settle();
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync boom', 'async boom']);
    expect(ack.mock.calls).toEqual([['fine']]);
  });

  it('handles many messages of one socket concurrently (like mergeMap), each with its own ack', async () => {
    const resolvers: ((value: unknown) => void)[] = [];
    const { socket } = bind([{ message: 'a', callback: () => new Promise((resolve) => resolvers.push(resolve)) }]);
    const first = jest.fn();
    const second = jest.fn();
    socket.receive('a', 1, first);
    socket.receive('a', 2, second);
    expect(resolvers).toHaveLength(2);
    resolvers[1]('two');
    resolvers[0]('one');
    await settle();
    expect(first).toHaveBeenCalledWith('one');
    expect(second).toHaveBeenCalledWith('two');
  });
});
