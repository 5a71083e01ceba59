import { RecordingViewThrottle } from './recording-view-throttle';

describe('RecordingViewThrottle', () => {
  let now = 0;
  const throttle = () => new RecordingViewThrottle(() => now, 1_000, 3);

  beforeEach(() => (now = 1_000_000));

  it('a flood of reads of one recording by one viewer is one viewing per window', () => {
    const t = throttle();
    const answers = Array.from({ length: 1_000 }, () => t.firstInWindow('carol', 's1', 'live'));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(answers[0]).toBe(true);
    now += 999;
    expect(t.firstInWindow('carol', 's1', 'live')).toBe(false);
    now += 1;
    expect(t.firstInWindow('carol', 's1', 'live')).toBe(true); // a fixed window: continued viewing is recorded again
    t.forget('carol', 's1', 'live'); // e.g. the audit write failed
    expect(t.firstInWindow('carol', 's1', 'live')).toBe(true);
  });

  it('another viewer, session or kind of read is its own viewing', () => {
    const t = throttle();
    expect(t.firstInWindow('carol', 's1', 'live')).toBe(true);
    expect(t.firstInWindow('dave', 's1', 'live')).toBe(true);
    expect(t.firstInWindow('carol', 's2', 'live')).toBe(true);
    expect(t.firstInWindow('carol', 's1', 'sealed')).toBe(true);
    expect(t.firstInWindow('carol', 's1', 'download')).toBe(true);
    // names cannot be forged to collide with another pair
    expect(t.firstInWindow('carol\u0000s1', 'live', 'live')).toBe(true);
  });

  it('stays bounded under many distinct pairs, dropping the oldest first', () => {
    const t = throttle();
    for (let i = 0; i < 100; i++) t.firstInWindow(`viewer-${i}`, 's1', 'live');
    expect(t.tracked).toBe(3);
    // the newest are still remembered; the oldest were forgotten (and would be announced again)
    expect(t.firstInWindow('viewer-99', 's1', 'live')).toBe(false);
    expect(t.firstInWindow('viewer-0', 's1', 'live')).toBe(true);
  });
});
