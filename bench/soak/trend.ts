/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than two distinct x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export interface Trend {
  /** MB per minute over the second half of the run */
  slopeMbPerMin: number;
  /** mean of the second half minus mean of the first half, MB */
  halfToHalfMb: number;
  bounded: boolean;
}

/**
 * The growth trend of a memory series: the regression slope over the second half of the run
 * (after warm-up: agents ramping to their sessions, JIT, caches filling), and whether it stays
 * under `limitMbPerMin`.
 */
export function memoryTrend(samples: { minute: number; mb: number }[], limitMbPerMin: number): Trend {
  const end = samples[samples.length - 1]?.minute ?? 0;
  const first = samples.filter((s) => s.minute < end / 2);
  const second = samples.filter((s) => s.minute >= end / 2);
  const mean = (xs: { mb: number }[]) => xs.reduce((a, s) => a + s.mb, 0) / xs.length;
  const slopeMbPerMin = slope(second.map((s) => ({ x: s.minute, y: s.mb })));
  return {
    slopeMbPerMin,
    halfToHalfMb: first.length && second.length ? mean(second) - mean(first) : NaN,
    bounded: Number.isFinite(slopeMbPerMin) && slopeMbPerMin <= limitMbPerMin,
  };
}
