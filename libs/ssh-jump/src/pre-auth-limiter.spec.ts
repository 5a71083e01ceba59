import { PreAuthLimiter, normalizeIp } from './pre-auth-limiter';

describe('PreAuthLimiter', () => {
  it('admits up to the per-address cap, then refuses that address only', () => {
    const limiter = new PreAuthLimiter({ maxStartups: 10, maxStartupsPerIp: 2 });
    expect(limiter.admit('10.0.0.1').ok).toBe(true);
    expect(limiter.admit('10.0.0.1').ok).toBe(true);
    expect(limiter.admit('10.0.0.1')).toEqual({ ok: false, reason: 'per-ip' });
    expect(limiter.admit('10.0.0.2').ok).toBe(true);
    expect(limiter.count()).toBe(3);
    expect(limiter.count('10.0.0.1')).toBe(2);
  });

  it('refuses everyone past the total cap, and admits again once a slot is released', () => {
    const limiter = new PreAuthLimiter({ maxStartups: 3, maxStartupsPerIp: 3 });
    const slots = ['a', 'b', 'c'].map((ip) => limiter.admit(ip));
    expect(limiter.admit('d')).toEqual({ ok: false, reason: 'max-startups' });
    const first = slots[0];
    if (!first.ok) throw new Error('expected a slot');
    first.slot.release();
    first.slot.release(); // idempotent: a double release must not free a second slot
    expect(limiter.count()).toBe(2);
    expect(limiter.admit('d').ok).toBe(true);
    expect(limiter.admit('e')).toEqual({ ok: false, reason: 'max-startups' });
  });

  it('counts an IPv4 client the same on a dual-stack socket, and forgets addresses with no slot', () => {
    const limiter = new PreAuthLimiter({ maxStartups: 10, maxStartupsPerIp: 1 });
    const admitted = limiter.admit('::ffff:192.0.2.7');
    expect(limiter.admit('192.0.2.7')).toEqual({ ok: false, reason: 'per-ip' });
    if (admitted.ok) admitted.slot.release();
    expect(limiter.count('192.0.2.7')).toBe(0);
    expect(limiter.admit('192.0.2.7').ok).toBe(true);
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:0:1')).toBe('::ffff:0:1'); // not an IPv4-mapped address
  });

  it('rejects caps below one', () => {
    expect(() => new PreAuthLimiter({ maxStartups: 0, maxStartupsPerIp: 1 })).toThrow(RangeError);
    expect(() => new PreAuthLimiter({ maxStartups: 1, maxStartupsPerIp: 0 })).toThrow(RangeError);
  });
});
