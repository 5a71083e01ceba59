import type { FlushScheduler } from './flush-scheduler';
import { OutputCoalescer } from './output-coalescer';

/** A deterministic event loop: time only moves when the test says so. */
class ManualScheduler implements FlushScheduler {
  private time = 0;
  private tasks: { at: number; task: () => void; cancelled: boolean }[] = [];
  readonly requestedDelays: number[] = [];

  now(): number {
    return this.time;
  }

  schedule(task: () => void, delayMs: number): () => void {
    const entry = { at: this.time + delayMs, task, cancelled: false };
    this.tasks.push(entry);
    this.requestedDelays.push(delayMs);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Runs what is due now, as the next event-loop turn would. */
  tick(): void {
    const due = this.tasks.filter((entry) => entry.at <= this.time);
    this.tasks = this.tasks.filter((entry) => entry.at > this.time);
    for (const entry of due) if (!entry.cancelled) entry.task();
  }

  advance(ms: number): void {
    this.time += ms;
    this.tick();
  }

  get liveTasks(): number {
    return this.tasks.filter((entry) => !entry.cancelled).length;
  }
}

describe('OutputCoalescer', () => {
  let scheduler: ManualScheduler;
  let flushed: string[];
  let coalescer: OutputCoalescer;

  beforeEach(() => {
    scheduler = new ManualScheduler();
    flushed = [];
    coalescer = new OutputCoalescer({
      onFlush: (text) => flushed.push(text),
      intervalMs: 16,
      maxPendingBytes: 1024,
      scheduler,
    });
  });

  it('flushes an idle keystroke echo on the next tick, not after a timer', () => {
    coalescer.write('l');

    expect(flushed).toEqual([]); // never inside the caller's write
    expect(scheduler.requestedDelays).toEqual([0]);
    scheduler.tick();
    expect(flushed).toEqual(['l']);
  });

  it('joins everything written in the same tick into one message', () => {
    for (let i = 0; i < 1000; i++) coalescer.write('.');
    scheduler.tick();

    expect(flushed).toEqual(['.'.repeat(1000)]);
  });

  it('turns a sustained burst of 1000 small writes into a few flushes, in order and complete', () => {
    const written: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const piece = `${i},`;
      written.push(piece);
      coalescer.write(Buffer.from(piece));
      scheduler.advance(0.1); // 1000 writes over 100 ms
    }
    scheduler.advance(16);

    expect(flushed.join('')).toBe(written.join(''));
    expect(flushed.length).toBeGreaterThan(1);
    // ~100 ms at one flush per 16 ms, plus the first immediate one; the 1024-char size cap may add a few.
    expect(flushed.length).toBeLessThanOrEqual(12);
  });

  it('under load, waits out the rest of the interval since the last flush', () => {
    coalescer.write('a');
    scheduler.tick();
    scheduler.advance(5);
    coalescer.write('b');

    expect(scheduler.requestedDelays).toEqual([0, 11]);
    scheduler.advance(10);
    expect(flushed).toEqual(['a']);
    scheduler.advance(1);
    expect(flushed).toEqual(['a', 'b']);
  });

  it('treats a write after a quiet interval as idle again', () => {
    coalescer.write('a');
    scheduler.tick();
    scheduler.advance(16);
    coalescer.write('b');

    expect(scheduler.requestedDelays).toEqual([0, 0]);
    scheduler.tick();
    expect(flushed).toEqual(['a', 'b']);
  });

  it('flushes at once when the batch reaches the size limit, and cancels the timer', () => {
    coalescer.write('x'.repeat(600));
    expect(flushed).toEqual([]);
    coalescer.write('y'.repeat(600));

    expect(flushed).toEqual(['x'.repeat(600) + 'y'.repeat(600)]);
    expect(coalescer.pendingBytes).toBe(0);
    expect(scheduler.liveTasks).toBe(0);
    scheduler.advance(100);
    expect(coalescer.flushCount).toBe(1);
  });

  it('decodes a character split across two reads once, intact', () => {
    const euro = Buffer.from('€', 'utf8');
    coalescer.write(euro.subarray(0, 2));
    coalescer.write(euro.subarray(2));
    scheduler.tick();

    expect(flushed).toEqual(['€']);
  });

  it('does not flush empty batches', () => {
    coalescer.write(Buffer.from([0xe2])); // only the first byte of a character: nothing to send yet
    coalescer.flush();
    scheduler.advance(100);

    expect(flushed).toEqual([]);
    expect(coalescer.flushCount).toBe(0);
  });

  it('flush() delivers immediately and cancels the pending timer', () => {
    coalescer.write('now');
    coalescer.flush();

    expect(flushed).toEqual(['now']);
    expect(scheduler.liveTasks).toBe(0);
  });

  it('dispose flushes what is pending, then ignores further writes', () => {
    coalescer.write('logout\r\n');
    coalescer.write(Buffer.from([0xe2, 0x82])); // the session ended mid-character
    coalescer.dispose();
    coalescer.write('too late');
    scheduler.advance(100);

    expect(flushed).toEqual(['logout\r\n\ufffd']);
    expect(scheduler.liveTasks).toBe(0);
  });

  it('stays usable when onFlush throws, without resending the failed batch', () => {
    let fail = true;
    const received: string[] = [];
    const fragile = new OutputCoalescer({
      onFlush: (text) => {
        if (fail) throw new Error('socket gone');
        received.push(text);
      },
      scheduler,
    });
    fragile.write('first');
    expect(() => fragile.flush()).toThrow('socket gone');
    fail = false;
    fragile.write('second');
    fragile.flush();

    expect(received).toEqual(['second']);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new OutputCoalescer({ onFlush: () => undefined, intervalMs: -1 })).toThrow(RangeError);
    expect(() => new OutputCoalescer({ onFlush: () => undefined, maxPendingBytes: 0 })).toThrow(RangeError);
  });

  it('with the real scheduler, an idle write arrives after setImmediate', async () => {
    const received: string[] = [];
    const real = new OutputCoalescer({ onFlush: (text) => received.push(text) });
    real.write('echo');
    expect(received).toEqual([]);

    await new Promise((resolve) => setImmediate(resolve));

    expect(received).toEqual(['echo']);
    real.dispose();
  });

  describe('decoding', () => {
    /** Deterministic bytes: random ones with valid multibyte text mixed in. */
    function mixedBytes(length: number, seed: number): Buffer {
      const parts: Buffer[] = [];
      let s = seed >>> 0;
      const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
      let size = 0;
      while (size < length) {
        const part = next() < 128 ? Buffer.from(Array.from({ length: 1 + (next() % 9) }, next)) : Buffer.from('é€😀 ok\r\n', 'utf8');
        parts.push(part);
        size += part.length;
      }
      return Buffer.concat(parts);
    }

    const counting = () => {
      const counter = { calls: 0, bytes: 0 };
      const c = new OutputCoalescer({
        onFlush: (text) => flushed.push(text),
        intervalMs: 16,
        maxPendingBytes: 1024,
        scheduler,
        decode: (bytes) => {
          counter.calls += 1;
          counter.bytes += bytes.length;
          return bytes.toString('utf8');
        },
      });
      return { c, counter };
    };

    it('decodes once per flushed batch, not once per chunk', () => {
      const { c, counter } = counting();
      for (let i = 0; i < 100; i++) c.write(Buffer.from([0x61 + (i % 26)]));
      expect(counter.calls).toBe(0); // nothing decoded on the relay's path
      scheduler.tick();
      expect(counter.calls).toBe(1);
      expect(flushed).toHaveLength(1);
    });

    it('never decodes skipped (flood) output, and what follows it still decodes exactly', () => {
      const { c, counter } = counting();
      const euro = Buffer.from('€', 'utf8');
      c.write(Buffer.concat([Buffer.from('before '), euro.subarray(0, 1)]));
      scheduler.tick();
      // The flood starts by completing that character, then megabytes no viewer is sent.
      c.skip(euro.subarray(1));
      for (let i = 0; i < 200; i++) c.skip(mixedBytes(32 * 1024, i));
      const decodedDuringFlood = counter.bytes;
      c.skip(Buffer.from([0xf0, 0x9f])); // a character cut by the flood's last read...
      c.write(Buffer.from([0x98, 0x80])); // ...completed by the first byte sent after it
      c.write(' after');
      scheduler.advance(16);

      expect(decodedDuringFlood).toBe('before '.length); // only the batch before the flood
      expect(flushed).toEqual(['before ', '😀 after']);
    });

    for (const seed of [1, 2, 3]) {
      it(`batches of randomly split bytes join to the whole stream decoded at once (seed ${seed})`, () => {
        const whole = mixedBytes(50_000, seed);
        let s = seed;
        for (let at = 0; at < whole.length; ) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const size = s >>> 27; // 0..31 bytes
          coalescer.write(whole.subarray(at, at + size));
          at += size;
          if (s % 7 === 0) scheduler.advance(16);
        }
        coalescer.dispose();

        expect(flushed.join('')).toBe(whole.toString('utf8'));
        expect(flushed.length).toBeGreaterThan(1);
      });
    }
  });

  describe('with a cost-adaptive busy interval', () => {
    /** onFlush "takes" `costMs` of the scheduler's time, as a fan-out to many viewers does */
    const adaptive = (costMs: () => number) =>
      new OutputCoalescer({
        onFlush: (text) => {
          flushed.push(text);
          scheduler.advance(costMs());
        },
        intervalMs: 16,
        costFactor: 3,
        minIntervalMs: 2,
        scheduler,
      });

    it('batches for three times the last fan-out cost, within 2..16 ms', () => {
      let cost = 0.01;
      const c = adaptive(() => cost);
      c.write('a');
      scheduler.tick(); // idle: at once
      c.write('b');
      expect(scheduler.requestedDelays.at(-1)).toBeCloseTo(2 - 0.01, 5); // cheap fan-out: the 2 ms floor
      scheduler.advance(2);
      expect(c.busyIntervalMs).toBe(2);

      cost = 4; // e.g. a thousand viewers
      c.write('c');
      scheduler.advance(2);
      expect(c.busyIntervalMs).toBe(12);
      c.write('d');
      expect(scheduler.requestedDelays.at(-1)).toBeCloseTo(12 - 4, 5);

      cost = 10;
      scheduler.advance(8);
      expect(c.busyIntervalMs).toBe(16); // capped at intervalMs
      expect(flushed).toEqual(['a', 'b', 'c', 'd']);
    });

    it('keeps the fixed interval when no cost factor is given', () => {
      coalescer.write('x');
      scheduler.tick();
      coalescer.write('y');
      expect(coalescer.busyIntervalMs).toBe(16);
      expect(scheduler.requestedDelays.at(-1)).toBe(16);
    });

    it('rejects a non-positive cost factor', () => {
      expect(() => new OutputCoalescer({ onFlush: () => undefined, costFactor: 0 })).toThrow(RangeError);
    });
  });
});
