import { sliderMax, sliderSeconds, sliderValue } from './seek-slider';

describe('seek slider in whole steps', () => {
  // durations whose last events sit within the last step, as when a command prints and its prompt follows
  const durations = [7.833818, 7.6549, 0.29, 1.1, 8.43, 0.004, 12.0];

  it.each(durations)('its end is the exact end of a %p s recording, and the end stays the end', (duration) => {
    expect(sliderSeconds(sliderMax(duration), duration)).toBe(duration);
    // what the slider shows at the end is what it reports back: nothing gets rounded below the end
    expect(sliderValue(duration, duration)).toBe(sliderMax(duration));
    expect(sliderSeconds(sliderValue(duration, duration), duration)).toBe(duration);
  });

  it.each(durations)('values are whole numbers (a range input never rounds them) for a %p s recording', (duration) => {
    for (const position of [0, duration / 3, duration / 2, duration - 0.001, duration]) {
      expect(Number.isInteger(sliderValue(position, duration))).toBe(true);
    }
    expect(Number.isInteger(sliderMax(duration))).toBe(true);
  });

  it('maps the start and the middle to seconds', () => {
    expect(sliderSeconds(0, 10)).toBe(0);
    expect(sliderValue(0, 10)).toBe(0);
    expect(sliderSeconds(sliderValue(4.257, 10), 10)).toBeCloseTo(4.25, 10);
    expect(sliderSeconds(-3, 10)).toBe(0);
  });

  it('never puts the slider past its end', () => {
    expect(sliderValue(99, 10)).toBe(sliderMax(10));
    expect(sliderSeconds(sliderMax(10) + 5, 10)).toBe(10);
  });
});
