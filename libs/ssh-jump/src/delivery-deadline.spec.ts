import { Duplex, Writable } from 'node:stream';
import { STALLED_USER_CUT_MS, cutWhenDelivered, deliveryMark } from './delivery-deadline';
import { ManualJumpClock } from './manual-jump-clock';
import type { UserChannel } from './user-channel';

/** A user channel whose client takes bytes only when the test says so (as an SSH window would). */
class SlowUser extends Duplex implements UserChannel {
  readonly stderr: Writable;
  readonly outgoing = { window: 0 };
  private held: Array<() => void> = [];
  constructor() {
    super({ highWaterMark: 1 });
    this.stderr = new Writable({ write: (_chunk, _enc, done) => this.held.push(done) });
  }
  exit(): void {}
  override _read(): void {}
  override _write(_chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.held.push(done);
  }
  /** The client takes one queued chunk. */
  takeOne(): void {
    this.held.shift()?.();
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('cutWhenDelivered', () => {
  let clock: ManualJumpClock;
  let user: SlowUser;
  let cuts: number;
  const cut = (): void => void cuts++;

  beforeEach(() => {
    clock = new ManualJumpClock();
    user = new SlowUser();
    cuts = 0;
    for (let i = 0; i < 40; i++) user.write(Buffer.alloc(1024));
    user.stderr.write('[Vigil] the notice');
  });

  it('cuts a client that takes nothing for STALLED_USER_CUT_MS (10 s), not before', () => {
    cutWhenDelivered(user, cut, { clock });
    clock.advance(STALLED_USER_CUT_MS - 250);
    expect(cuts).toBe(0);
    clock.advance(250);
    expect(cuts).toBe(1);
    clock.advance(60_000);
    expect(cuts).toBe(1);
    expect(clock.pendingTasks).toBe(0);
  });

  it('keeps a slow but steady reader connected past STALLED_USER_CUT_MS, until its channel closes', async () => {
    cutWhenDelivered(user, cut, { clock });
    for (let i = 0; i < 10; i++) {
      user.takeOne();
      await tick();
      clock.advance(STALLED_USER_CUT_MS / 4);
    }
    expect(cuts).toBe(0); // 2.5 × STALLED_USER_CUT_MS after the end, still reading
    user.destroy();
    await tick();
    expect(cuts).toBe(1);
    clock.advance(60_000);
    expect(cuts).toBe(1);
    expect(clock.pendingTasks).toBe(0);
  });

  it('sees the client read the last window when nothing is queued any more (WINDOW_ADJUST)', () => {
    cutWhenDelivered(user, cut, { clock });
    for (let i = 0; i < 5; i++) {
      user.outgoing.window += 32 * 1024;
      clock.advance(STALLED_USER_CUT_MS / 2);
    }
    expect(cuts).toBe(0); // 2.5 × STALLED_USER_CUT_MS, within the cap
    clock.advance(STALLED_USER_CUT_MS);
    expect(cuts).toBe(1);
  });

  it('cuts even a steady reader after the cap', async () => {
    cutWhenDelivered(user, cut, { clock, capMs: 5_000 });
    for (let i = 0; i < 9; i++) {
      user.takeOne();
      await tick();
      clock.advance(500);
    }
    expect(cuts).toBe(0);
    clock.advance(500);
    expect(cuts).toBe(1);
  });

  it('cuts at once a channel already closed', async () => {
    user.destroy();
    await tick();
    cutWhenDelivered(user, cut, { clock });
    expect(cuts).toBe(1);
    expect(clock.pendingTasks).toBe(0);
  });

  it('deliveryMark changes as queued bytes leave or the send window grows', async () => {
    const before = deliveryMark(user);
    user.takeOne();
    await tick();
    const afterTake = deliveryMark(user);
    expect(afterTake).not.toBe(before);
    user.outgoing.window = 100;
    expect(deliveryMark(user)).not.toBe(afterTake);
  });
});
