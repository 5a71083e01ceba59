/** A request for control is answered within this long, or it lapses (the requester asks again). */
export const CONTROL_REQUEST_TTL_MS = 30_000;
/** One viewer asks at most once per this long (a denied request is not re-asked at once). */
export const CONTROL_REQUEST_INTERVAL_MS = 5_000;
/** Bounds the requests kept per session (each viewer has at most one). */
export const MAX_PENDING_REQUESTS = 50;

export type RequestResult =
  | { ok: true; expiresInMs: number }
  | { ok: false; reason: 'rate-limited'; retryAfterMs: number }
  | { ok: false; reason: 'too-many' };

/**
 * The pending "may I have control?" requests of one session, one per viewer. Pure: time is
 * injected. Who may ask and who may answer is the edge's rule (shadow-permission.ts); this only
 * remembers, lapses and rate-limits, so a flood of requests never reaches the holder.
 */
export class ControlRequests {
  /** viewer id → when its request lapses */
  private readonly pending = new Map<string, number>();
  /** viewer id → when it last asked (kept after an answer, for the interval) */
  private readonly askedAt = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = CONTROL_REQUEST_TTL_MS,
    private readonly intervalMs = CONTROL_REQUEST_INTERVAL_MS,
  ) {}

  request(viewerId: string): RequestResult {
    const now = this.now();
    this.sweep(now);
    const last = this.askedAt.get(viewerId);
    if (last !== undefined && now - last < this.intervalMs) return { ok: false, reason: 'rate-limited', retryAfterMs: last + this.intervalMs - now };
    if (!this.pending.has(viewerId) && this.pending.size >= MAX_PENDING_REQUESTS) return { ok: false, reason: 'too-many' };
    this.askedAt.set(viewerId, now);
    this.pending.set(viewerId, now + this.ttlMs);
    return { ok: true, expiresInMs: this.ttlMs };
  }

  /** Whether `viewerId` asked and its request has not lapsed nor been answered. */
  isPending(viewerId: string): boolean {
    const expires = this.pending.get(viewerId);
    return expires !== undefined && this.now() < expires;
  }

  /** Answers the request (grant or deny): true when it was pending, and it is gone either way. */
  answer(viewerId: string): boolean {
    const was = this.isPending(viewerId);
    this.pending.delete(viewerId);
    return was;
  }

  /** The viewer left: its request goes with it (its interval too: a new socket is a new viewer id). */
  forget(viewerId: string): void {
    this.pending.delete(viewerId);
    this.askedAt.delete(viewerId);
  }

  /** The viewers whose requests are pending now. */
  list(): string[] {
    this.sweep(this.now());
    return [...this.pending.keys()];
  }

  private sweep(now: number): void {
    for (const [viewerId, expires] of this.pending) if (now >= expires) this.pending.delete(viewerId);
    for (const [viewerId, at] of this.askedAt) if (now - at >= this.intervalMs && !this.pending.has(viewerId)) this.askedAt.delete(viewerId);
  }
}
