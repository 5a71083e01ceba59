import type { Clock } from '@vigil/common';
import { TUNNEL_TOKEN_PATTERN, TunnelGrant, TunnelTokenStore } from './tunnel-token-store';

class ManualClock implements Clock {
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
}

const grant: TunnelGrant = { kind: 'connect', userId: 'u1', username: 'alice', targetName: 'desk', sessionId: '0193a1b2-c3d4-7000-8000-000000000001' };

describe('TunnelTokenStore', () => {
  it('a token works once, then says replayed, and whose it was (the refusal is audited under that user)', () => {
    const store = new TunnelTokenStore(new ManualClock(), { ttlMs: 30_000, maxOutstanding: 10 });
    const { token } = store.mint(grant);
    expect(token).toMatch(TUNNEL_TOKEN_PATTERN);
    expect(store.consume(token)).toEqual({ ok: true, grant });
    expect(store.consume(token)).toEqual({ ok: false, refusal: 'replayed', grant });
  });

  it('expires after its ttl (the last millisecond counts as expired)', () => {
    const clock = new ManualClock();
    const store = new TunnelTokenStore(clock, { ttlMs: 30_000, maxOutstanding: 10 });
    const a = store.mint(grant);
    const b = store.mint(grant);
    clock.t += 29_999;
    expect(store.consume(a.token).ok).toBe(true);
    clock.t += 1;
    expect(store.consume(b.token)).toEqual({ ok: false, refusal: 'expired', grant });
    clock.t += 60_000;
    // Forgotten at last: only unknown remains.
    expect(store.consume(b.token)).toEqual({ ok: false, refusal: 'unknown' });
  });

  it('refuses anything not shaped like a token without looking it up, and unknown well-shaped ones', () => {
    const store = new TunnelTokenStore(new ManualClock(), { ttlMs: 30_000, maxOutstanding: 10 });
    for (const bad of [undefined, 42, '', 'vgt1_', `vgt1_${'A'.repeat(44)}`, `vgt2_${'A'.repeat(43)}`, ['x']]) expect(store.consume(bad)).toEqual({ ok: false, refusal: 'malformed' });
    expect(store.consume(`vgt1_${'A'.repeat(43)}`)).toEqual({ ok: false, refusal: 'unknown' });
  });

  it('keeps at most maxOutstanding tokens (the oldest go first) and refuses a ttl over 60 s', () => {
    const store = new TunnelTokenStore(new ManualClock(), { ttlMs: 30_000, maxOutstanding: 3 });
    const tokens = Array.from({ length: 5 }, () => store.mint(grant).token);
    expect(store.outstanding).toBe(3);
    expect(store.consume(tokens[0]).ok).toBe(false);
    expect(store.consume(tokens[4]).ok).toBe(true);
    expect(() => new TunnelTokenStore(new ManualClock(), { ttlMs: 60_001, maxOutstanding: 1 })).toThrow(RangeError);
  });
});
