/**
 * Idle-time skipping, asciicast's `idle_time_limit` semantics: a gap between two events longer than
 * `limit` seconds plays in `limit` seconds. The player's clock and slider run on this "play time";
 * what it shows (relative and wall-clock times, markers) stays the recording's real time. Inside a
 * cut gap real time runs faster, linearly, so both mappings are monotone and exact inverses (a
 * marker or a seek inside a long idle stretch lands where it should). Pure: no DOM, no clock.
 */
export class IdleTimeline {
  /** real start of each cut gap, its real length, and where it starts in play time */
  private readonly gaps: { real: number; length: number; play: number }[] = [];
  readonly realDuration: number;
  readonly playDuration: number;

  /**
   * @param times the events' real times, seconds, in order
   * @param duration the recording's real length (its last event's time)
   * @param limit longest gap kept, seconds; null or <= 0: nothing is cut
   */
  constructor(
    times: readonly number[],
    duration: number,
    readonly limit: number | null,
  ) {
    this.realDuration = duration;
    let cut = 0;
    let previous = 0;
    if (limit !== null && limit > 0) {
      for (const time of [...times, duration]) {
        const gap = time - previous;
        if (gap > limit) {
          this.gaps.push({ real: previous, length: gap, play: previous - cut });
          cut += gap - limit;
        }
        previous = Math.max(previous, time);
      }
    }
    this.playDuration = duration - cut;
  }

  /** Seconds of real time left out of playback. */
  get skipped(): number {
    return this.realDuration - this.playDuration;
  }

  /** Where a real time falls in play time. */
  toPlay(real: number): number {
    const r = clamp(real, 0, this.realDuration);
    let cut = 0;
    for (const gap of this.gaps) {
      if (r <= gap.real) break;
      if (r < gap.real + gap.length) return gap.play + ((r - gap.real) / gap.length) * this.limit!;
      cut += gap.length - this.limit!;
    }
    return r - cut;
  }

  /** The real time a play time stands for. */
  toReal(play: number): number {
    const p = clamp(play, 0, this.playDuration);
    if (p >= this.playDuration) return this.realDuration;
    let cut = 0;
    for (const gap of this.gaps) {
      if (p <= gap.play) break;
      if (p < gap.play + this.limit!) return gap.real + ((p - gap.play) / this.limit!) * gap.length;
      cut += gap.length - this.limit!;
    }
    return p + cut;
  }
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
