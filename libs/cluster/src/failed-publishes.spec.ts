import { catchFailedPublishes } from './failed-publishes';

class FakeClient {
  calls: unknown[][] = [];
  failWith: Error | null = null;
  async publish(channel: string, message: string): Promise<number> {
    this.calls.push([channel, message]);
    if (this.failWith) throw this.failWith;
    return 2;
  }
}

describe('catchFailedPublishes', () => {
  it('passes publishes through while Redis answers', async () => {
    const client = new FakeClient();
    const warn = jest.fn();
    catchFailedPublishes(client, { warn });
    await expect(client.publish('socket.io#/live#', 'frame')).resolves.toBe(2);
    expect(client.calls).toEqual([['socket.io#/live#', 'frame']]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('turns a failed publish into "nobody received it" instead of an unhandled rejection', async () => {
    const client = new FakeClient();
    const warn = jest.fn();
    catchFailedPublishes(client, { warn }, () => 0);
    client.failWith = new Error('The client is offline');
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      // exactly how the adapter calls it: not awaited, result ignored
      void client.publish('socket.io#/sessions#', 'event');
      await expect(client.publish('socket.io#/sessions#', 'event')).resolves.toBe(0);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('redis: 1 broadcast(s) to other cluster members lost since the last report (The client is offline)');
  });

  it('logs an outage once per 10 s with the count, not once per broadcast', async () => {
    const client = new FakeClient();
    const warn = jest.fn();
    let now = 0;
    catchFailedPublishes(client, { warn }, () => now);
    client.failWith = Object.assign(new Error(''), { name: 'TimeoutError' });
    for (let i = 0; i < 1000; i++, now += 15) await client.publish('c', 'm'); // 15 s of failures
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toBe('redis: 667 broadcast(s) to other cluster members lost since the last report (TimeoutError)');
    client.failWith = null;
    await expect(client.publish('c', 'm')).resolves.toBe(2);
  });
});
