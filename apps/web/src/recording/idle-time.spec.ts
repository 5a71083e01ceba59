import { IdleTimeline } from './idle-time';

describe('idle-time skipping (asciicast idle_time_limit)', () => {
  // output at 0.5 s, a 60 s pause, output at 60.5 and 61, then 10 s idle before the last event at 71
  const times = [0.5, 60.5, 61, 71];

  it('cuts every gap longer than the limit to the limit, and only those', () => {
    const t = new IdleTimeline(times, 71, 2);
    // 60 s gap → 2 s, 10 s gap → 2 s: 0.5 + 2 + 0.5 + 2
    expect(t.playDuration).toBeCloseTo(5, 10);
    expect(t.skipped).toBeCloseTo(66, 10);
    expect(t.toPlay(0.5)).toBeCloseTo(0.5, 10);
    expect(t.toPlay(60.5)).toBeCloseTo(2.5, 10);
    expect(t.toPlay(61)).toBeCloseTo(3, 10);
    expect(t.toPlay(71)).toBeCloseTo(5, 10);
  });

  it('maps both ways exactly: toReal(toPlay(x)) = x everywhere, gaps included', () => {
    const t = new IdleTimeline(times, 71, 2);
    for (let real = 0; real <= 71; real += 0.37) expect(t.toReal(t.toPlay(real))).toBeCloseTo(real, 9);
    for (let play = 0; play <= t.playDuration; play += 0.11) expect(t.toPlay(t.toReal(play))).toBeCloseTo(play, 9);
    expect(t.toReal(t.playDuration)).toBe(71);
  });

  it('is monotone: a later real time never plays earlier', () => {
    const t = new IdleTimeline([1, 1, 30, 30.1, 400], 400, 1);
    let last = -1;
    for (let real = 0; real <= 400; real += 0.25) {
      const play = t.toPlay(real);
      expect(play).toBeGreaterThanOrEqual(last);
      last = play;
    }
  });

  it('a moment inside a cut gap maps proportionally (a marker there lands inside the cut gap)', () => {
    const t = new IdleTimeline(times, 71, 2);
    // halfway through the 60 s pause is halfway through its 2 s
    expect(t.toPlay(30.5)).toBeCloseTo(1.5, 10);
    expect(t.toReal(1.5)).toBeCloseTo(30.5, 10);
  });

  it('keeps real time when skipping is off or nothing is longer than the limit', () => {
    for (const limit of [null, 0, -3, 100]) {
      const t = new IdleTimeline(times, 71, limit);
      expect(t.playDuration).toBe(71);
      expect(t.toPlay(33.3)).toBeCloseTo(33.3, 10);
      expect(t.toReal(33.3)).toBeCloseTo(33.3, 10);
    }
  });

  it('counts a quiet start as a gap, and clamps times outside the recording', () => {
    const t = new IdleTimeline([20, 21], 21, 2);
    expect(t.playDuration).toBeCloseTo(3, 10);
    expect(t.toPlay(-5)).toBe(0);
    expect(t.toPlay(999)).toBeCloseTo(3, 10);
    expect(t.toReal(-1)).toBe(0);
    expect(t.toReal(999)).toBe(21);
  });

  it('an empty recording has no length either way', () => {
    const t = new IdleTimeline([], 0, 2);
    expect(t.playDuration).toBe(0);
    expect(t.toPlay(0)).toBe(0);
    expect(t.toReal(0)).toBe(0);
  });
});
