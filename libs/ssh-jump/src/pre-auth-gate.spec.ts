import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ManualJumpClock } from './manual-jump-clock';
import { PreAuthGate } from './pre-auth-gate';

/** Just enough of a net.Socket for the gate: an address, end/destroy, and 'close'. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  endedWith: string | undefined;
  constructor(readonly remoteAddress: string, readonly remotePort = 40_000) {
    super();
  }
  end(text?: string): this {
    this.endedWith = text;
    return this;
  }
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }
}

describe('PreAuthGate', () => {
  let clock: ManualJumpClock;
  let logs: string[];
  let gate: PreAuthGate;
  const sock = (ip: string) => new FakeSocket(ip) as unknown as Socket & FakeSocket;

  beforeEach(() => {
    clock = new ManualJumpClock();
    logs = [];
    const logger = { log: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    gate = new PreAuthGate({ loginGraceMs: 30_000, maxStartups: 3, maxStartupsPerIp: 2 }, clock, logger);
  });

  it('closes a connection that has not authenticated when the grace time is up, not a moment before', () => {
    const silent = sock('10.0.0.1');
    expect(gate.admit(silent)).toBe(true);
    clock.advance(29_999);
    expect(silent.destroyed).toBe(false);
    clock.advance(1);
    expect(silent.destroyed).toBe(true);
    expect(gate.unauthenticated).toBe(0);
    expect(logs.join('\n')).toContain('not authenticated within 30 s');
  });

  it('an authenticated connection leaves the count and is never closed by the grace timer', () => {
    const honest = sock('10.0.0.1');
    gate.admit(honest);
    gate.authenticated(honest);
    expect(gate.unauthenticated).toBe(0);
    clock.advance(3_600_000);
    expect(honest.destroyed).toBe(false);
  });

  it('refuses past the caps with one line, destroys the refused socket soon, and frees slots on close', () => {
    const a = [sock('10.0.0.1'), sock('10.0.0.1')];
    a.forEach((s) => expect(gate.admit(s)).toBe(true));
    const third = sock('10.0.0.1');
    expect(gate.admit(third)).toBe(false);
    expect(third.endedWith).toBe('Vigil: too many unauthenticated connections; try again later.\r\n');
    clock.advance(1_000);
    expect(third.destroyed).toBe(true);
    expect(gate.admit(sock('10.0.0.2'))).toBe(true);
    expect(gate.admit(sock('10.0.0.3'))).toBe(false); // total cap (3)
    a[0].destroy(); // a client hanging up gives its slot back
    expect(gate.admit(sock('10.0.0.3'))).toBe(true);
  });

  it('logs refusals as one line per interval with their count, not one per connection', () => {
    gate.admit(sock('10.0.0.1'));
    gate.admit(sock('10.0.0.1'));
    for (let i = 0; i < 500; i++) gate.admit(sock('10.0.0.1'));
    clock.advance(10_000);
    gate.admit(sock('10.0.0.1'));
    const refusals = logs.filter((l) => l.startsWith('refused'));
    expect(refusals).toEqual([
      'refused 1 connection(s) before authentication: at most 2 from 10.0.0.1 at once',
      'refused 500 connection(s) before authentication: at most 2 from 10.0.0.1 at once',
    ]);
  });

  it('closeAll closes every connection still at the door', () => {
    const waiting = [sock('10.0.0.1'), sock('10.0.0.2')];
    waiting.forEach((s) => gate.admit(s));
    gate.closeAll();
    expect(waiting.every((s) => s.destroyed)).toBe(true);
    expect(gate.unauthenticated).toBe(0);
    expect(clock.pendingTasks).toBe(0);
  });
});
