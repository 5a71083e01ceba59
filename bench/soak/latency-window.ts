import { percentile } from '../support/stats';

/** Request latencies and failures since the last `take()`: one sampling window. */
export class LatencyWindow {
  private samples: number[] = [];
  private failures = 0;
  private total = 0;

  record(ms: number): void {
    this.samples.push(ms);
    this.total++;
  }

  fail(): void {
    this.failures++;
    this.total++;
  }

  get requests(): number {
    return this.total;
  }

  /** The window's figures, and a fresh window. */
  take(): { requests: number; errors: number; p50: number; p99: number; max: number } {
    const { samples, failures } = this;
    this.samples = [];
    this.failures = 0;
    return {
      requests: samples.length + failures,
      errors: failures,
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      max: samples.reduce((a, b) => Math.max(a, b), 0),
    };
  }
}
