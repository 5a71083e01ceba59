import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@vigil/common';

export type ViewerMode = 'view' | 'interact';

/** What a tunnel token lets its bearer open, decided when it was minted (rechecked at the upgrade). */
export type TunnelGrant =
  /** `sessionId`: minted at connect (uuid v7), answered to the browser, registered under it at guacd's `ready` */
  | { kind: 'connect'; userId: string; username: string; targetName: string; sessionId: string }
  | { kind: 'join'; userId: string; username: string; sessionId: string; mode: ViewerMode; viewerId?: string };

export type TokenRefusal = 'malformed' | 'unknown' | 'expired' | 'replayed';

/**
 * A refused token that was real (expired, replayed) says whose it was, so the refusal can be
 * audited under that user; a malformed or unknown one says nothing (it is counted, not audited).
 */
export type ConsumeResult =
  | { ok: true; grant: TunnelGrant }
  | { ok: false; refusal: 'malformed' | 'unknown' }
  | { ok: false; refusal: 'expired' | 'replayed'; grant: TunnelGrant };

/** `vgt1_` and 32 random bytes, base64url: all a token can look like (anything else is refused unread). */
export const TUNNEL_TOKEN_PATTERN = /^vgt1_[A-Za-z0-9_-]{43}$/;

/** What a token's SHA-256 looks like (base64url): what the store keeps, and what crosses the cluster link. */
export const TUNNEL_TOKEN_HASH_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface TunnelTokenStoreOptions {
  /** lifetime of a token; at most 60 s (the brief: short-lived, the browser opens the tunnel at once) */
  ttlMs: number;
  /** outstanding tokens kept at most: a minting flood can't grow memory without bound (oldest go first) */
  maxOutstanding: number;
}

interface Stored {
  grant: TunnelGrant;
  expiresAt: number;
}

/**
 * Single-use tunnel tokens, pure (injected clock, no timers). Only the SHA-256 of a token is
 * kept, so a heap dump does not hold usable tokens. A token is consumed by its first use; a
 * consumed hash is remembered until the token would have expired, only so that a replay is
 * reported as such. In memory: the minting gateway's tokens; with several gateways, a tunnel on
 * another one redeems its token here over the cluster link (RdpJoinTokens.redeem, `consumeHash`).
 */
export class TunnelTokenStore {
  private readonly live = new Map<string, Stored>();
  /** hash → until when it is remembered, and what a later use of it is told */
  private readonly consumed = new Map<string, { until: number; refusal: 'replayed' | 'expired'; grant: TunnelGrant }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: TunnelTokenStoreOptions,
  ) {
    if (options.ttlMs <= 0 || options.ttlMs > 60_000) throw new RangeError('tunnel tokens live at most 60 s');
  }

  mint(grant: TunnelGrant): { token: string; expiresAt: number } {
    this.sweep();
    while (this.live.size >= this.options.maxOutstanding) this.live.delete(this.live.keys().next().value as string);
    const token = `vgt1_${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.clock.now() + this.options.ttlMs;
    this.live.set(tunnelTokenHash(token), { grant, expiresAt });
    return { token, expiresAt };
  }

  consume(token: unknown): ConsumeResult {
    if (typeof token !== 'string' || !TUNNEL_TOKEN_PATTERN.test(token)) return { ok: false, refusal: 'malformed' };
    return this.consumeHash(tunnelTokenHash(token));
  }

  /** `consume` by the token's hash (the cluster link carries hashes, never tokens). */
  consumeHash(hash: unknown): ConsumeResult {
    if (typeof hash !== 'string' || !TUNNEL_TOKEN_HASH_PATTERN.test(hash)) return { ok: false, refusal: 'malformed' };
    this.sweep();
    const stored = this.live.get(hash);
    if (!stored) {
      const known = this.consumed.get(hash);
      return known ? { ok: false, refusal: known.refusal, grant: known.grant } : { ok: false, refusal: 'unknown' };
    }
    this.live.delete(hash);
    this.remember(hash, stored, 'replayed');
    return { ok: true, grant: stored.grant };
  }

  get outstanding(): number {
    return this.live.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    // Insertion order is expiry order (one ttl for all): stop at the first that still lives.
    for (const [hash, stored] of this.live) {
      if (stored.expiresAt > now) break;
      this.live.delete(hash);
      // Kept for a while so that a late use says "expired", then forgotten.
      this.remember(hash, stored, 'expired');
    }
    for (const [hash, { until }] of this.consumed) if (until <= now) this.consumed.delete(hash);
  }

  private remember(hash: string, stored: Stored, refusal: 'replayed' | 'expired'): void {
    while (this.consumed.size >= this.options.maxOutstanding) this.consumed.delete(this.consumed.keys().next().value as string);
    this.consumed.set(hash, { until: stored.expiresAt + this.options.ttlMs, refusal, grant: stored.grant });
  }
}

export function tunnelTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
