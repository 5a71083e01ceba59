import { TokenBucket } from '@vigil/common';

/**
 * How many SSH requests one connection may make: channel requests (pty, env, window-change,
 * signal, shell/exec/subsystem...), channel opens and global requests all draw from one bucket.
 * Past it requests are refused; a connection that keeps going past it (its refusals drain a
 * second, larger bucket) is abusive and gets disconnected.
 */
export interface RequestRateOptions {
  /** Requests allowed at once. Default 200 (a login sends ~10; a resize drag ~60/s). */
  burst: number;
  /** Sustained requests per second. Default 50. */
  perSecond: number;
  /** Refusals tolerated at once before the connection is cut. Default 5,000. */
  abuseBurst: number;
  /** Refusals forgiven per second. Default 100. */
  abusePerSecond: number;
}

export const DEFAULT_REQUEST_RATE: RequestRateOptions = { burst: 200, perSecond: 50, abuseBurst: 5_000, abusePerSecond: 100 };

export type RequestVerdict = 'accept' | 'refuse' | 'disconnect';

export class RequestRateGuard {
  private readonly requests: TokenBucket;
  private readonly refusals: TokenBucket;
  private abusive = false;

  constructor(
    options: Partial<RequestRateOptions>,
    private readonly clock: { now(): number },
  ) {
    const o = { ...DEFAULT_REQUEST_RATE, ...options };
    const now = clock.now();
    this.requests = new TokenBucket({ capacity: o.burst, refillPerSecond: o.perSecond }, now);
    this.refusals = new TokenBucket({ capacity: o.abuseBurst, refillPerSecond: o.abusePerSecond }, now);
  }

  /** Once a connection is found abusive it stays so: every later request says 'disconnect'. */
  admit(): RequestVerdict {
    if (this.abusive) return 'disconnect';
    const now = this.clock.now();
    if (this.requests.take(now).ok) return 'accept';
    if (this.refusals.take(now).ok) return 'refuse';
    this.abusive = true;
    return 'disconnect';
  }
}
