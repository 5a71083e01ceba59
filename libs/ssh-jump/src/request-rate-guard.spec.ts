import { RequestRateGuard } from './request-rate-guard';

describe('RequestRateGuard', () => {
  const make = () => {
    const clock = { t: 0, now: () => clock.t };
    return { clock, guard: new RequestRateGuard({ burst: 5, perSecond: 10, abuseBurst: 20, abusePerSecond: 5 }, clock) };
  };

  it('accepts a burst, refuses beyond it, and accepts again once the rate allows', () => {
    const { clock, guard } = make();
    const verdicts = Array.from({ length: 8 }, () => guard.admit());
    expect(verdicts).toEqual(['accept', 'accept', 'accept', 'accept', 'accept', 'refuse', 'refuse', 'refuse']);
    clock.t = 100; // one request's worth of refill at 10/s
    expect(guard.admit()).toBe('accept');
    expect(guard.admit()).toBe('refuse');
  });

  it('a flood past the abuse budget is cut, and stays cut', () => {
    const { clock, guard } = make();
    const verdicts = Array.from({ length: 26 }, () => guard.admit());
    expect(verdicts.filter((v) => v === 'accept')).toHaveLength(5);
    expect(verdicts.filter((v) => v === 'refuse')).toHaveLength(20);
    expect(verdicts[25]).toBe('disconnect');
    clock.t = 3_600_000;
    expect(guard.admit()).toBe('disconnect');
  });

  it('an occasional excess is forgiven: refusals drain back at abusePerSecond', () => {
    const { clock, guard } = make();
    // 30 s at 20 requests/s: twice the allowed rate, but the refusals (10/s) leak out at 5/s
    // only after the 20-refusal budget; so this must be cut, while 12/s must not.
    let cut = false;
    for (let ms = 0; ms < 30_000 && !cut; ms += 50) {
      clock.t = ms;
      cut = guard.admit() === 'disconnect';
    }
    expect(cut).toBe(true);

    const gentle = make();
    for (let ms = 0; ms < 60_000; ms += 83) {
      gentle.clock.t = ms; // ~12/s against 10/s allowed: ~2 refusals/s, forgiven at 5/s
      expect(gentle.guard.admit()).not.toBe('disconnect');
    }
  });
});
