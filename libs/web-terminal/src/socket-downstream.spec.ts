import { SocketDownstream, type DownstreamSink } from './socket-downstream';

function sink(): DownstreamSink & { sent: Buffer[]; queued: number; finishedCalls: number } {
  const s = {
    sent: [] as Buffer[],
    queued: 0,
    finishedCalls: 0,
    output(chunk: Buffer) {
      s.sent.push(chunk);
      s.queued += chunk.length;
    },
    backlog: () => s.queued,
    finished() {
      s.finishedCalls += 1;
    },
  };
  return s;
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('SocketDownstream', () => {
  it('passes output through and reports the end after the last chunk', async () => {
    const s = sink();
    const down = new SocketDownstream(s);
    down.write(Buffer.from('one'));
    down.stderr.write(Buffer.from('two'));
    down.end();
    await until(() => s.finishedCalls === 1);
    expect(Buffer.concat(s.sent).toString()).toBe('onetwo');
  });

  it('holds writes while the transport is backed up (the relay pauses the target), and resumes at the low mark', async () => {
    const s = sink();
    const down = new SocketDownstream(s, { highWaterMark: 100, lowWaterMark: 10, pollMs: 2 });
    let drained = 0;
    down.on('drain', () => (drained += 1));
    expect(down.write(Buffer.alloc(200))).toBe(true); // under the stream's own buffer; callback now held
    const more = [down.write(Buffer.alloc(16 * 1024)), down.write(Buffer.alloc(16 * 1024))];
    expect(more).toContain(false); // the relay is told to stop reading the target
    await new Promise((r) => setTimeout(r, 30));
    expect(s.sent).toHaveLength(1); // nothing more sent while the browser is behind
    s.backlog = () => 5; // the browser caught up
    await until(() => drained === 1);
    expect(s.sent.length).toBeGreaterThan(1);
  });

  it('delivers typing to the reader, bounds what waits while nobody reads, and hangs up on request', async () => {
    const down = new SocketDownstream(sink(), { maxPendingInput: 8 });
    down.pause();
    expect(down.type(Buffer.from('12345'))).toBe(true);
    expect(down.type(Buffer.from('6789'))).toBe(false); // dropped, not queued without bound
    const read: string[] = [];
    down.on('data', (chunk: Buffer) => read.push(chunk.toString()));
    down.resume();
    await until(() => read.join('') === '12345');
    const closed = new Promise((r) => down.once('close', r));
    down.hangUp();
    await closed;
    expect(down.type(Buffer.from('x'))).toBe(false);
  });
});
