import { answerFailedServerSideEmits } from './answered-server-side-emits';

/** Behaves like socket.io's RedisAdapter: counts servers first, and swallows the count's failure. */
class FakeRedisAdapter {
  plain: unknown[][] = [];
  countFails = false;
  later: Array<() => void> = [];

  serverSideEmit(packet: unknown[]): void {
    if (typeof packet[packet.length - 1] === 'function') {
      this.serverSideEmitWithAck(packet).catch(() => undefined); // the library's own "ignore errors"
      return;
    }
    this.plain.push(packet);
  }

  async serverSideEmitWithAck(packet: unknown[]): Promise<void> {
    const ack = packet.pop() as (error: Error | null, answers: unknown[]) => void;
    if (this.countFails) throw new Error('The client is offline');
    this.later.push(() => ack(null, ['answer from B']));
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('answerFailedServerSideEmits', () => {
  it('without it, the acknowledgement of an emit made while Redis is away is never called (the bug)', async () => {
    const adapter = new FakeRedisAdapter();
    adapter.countFails = true;
    const ack = jest.fn();
    adapter.serverSideEmit(['live:control', { sessionId: 's' }, ack]);
    await flush();
    expect(ack).not.toHaveBeenCalled();
  });

  it('calls the acknowledgement once with the error and no answers when counting the servers fails', async () => {
    const adapter = answerFailedServerSideEmits(new FakeRedisAdapter());
    adapter.countFails = true;
    const ack = jest.fn();
    adapter.serverSideEmit(['live:control', { sessionId: 's' }, ack]);
    await flush();
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack.mock.calls[0][0]).toEqual(new Error('The client is offline'));
    expect(ack.mock.calls[0][1]).toEqual([]);
  });

  it('passes the answers through while Redis answers, and emits without acknowledgement untouched', async () => {
    const adapter = answerFailedServerSideEmits(new FakeRedisAdapter());
    const ack = jest.fn();
    adapter.serverSideEmit(['live:watchers', { owner: null }, ack]);
    await flush();
    adapter.later.forEach((answer) => answer());
    expect(ack).toHaveBeenCalledWith(null, ['answer from B']);
    adapter.serverSideEmit(['live:backlog', { bytes: 1 }]);
    expect(adapter.plain).toEqual([['live:backlog', { bytes: 1 }]]);
  });

  it('never answers twice', async () => {
    const adapter = answerFailedServerSideEmits(new FakeRedisAdapter());
    const ack = jest.fn();
    adapter.serverSideEmit(['live:input', {}, ack]);
    await flush();
    adapter.later.forEach((answer) => answer());
    adapter.later.forEach((answer) => answer());
    expect(ack).toHaveBeenCalledTimes(1);
  });
});
