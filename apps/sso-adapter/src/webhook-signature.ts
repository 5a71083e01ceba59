import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';

/**
 * `X-Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, the
 * scheme Stripe and GitHub-like webhooks use: the timestamp is signed with the body, so a
 * captured request is refused once older than the tolerance, and within it once seen (the
 * replay cache). The comparison is constant-time.
 */
export function signWebhook(secret: string, body: string | Buffer, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export type Verdict = { ok: true } | { ok: false; error: string };

export class WebhookVerifier {
  /** signatures seen, with when they stop being acceptable anyway */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
    private readonly toleranceMs = 5 * 60_000,
    private readonly maxRemembered = 100_000,
  ) {
    if (Buffer.byteLength(secret) < 32) throw new TypeError('the webhook secret must be at least 32 bytes');
  }

  verify(header: string | string[] | undefined, body: Buffer): Verdict {
    if (typeof header !== 'string' || header.length > 512) return { ok: false, error: `missing ${SIGNATURE_HEADER} header` };
    const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
    const t = Number(parts.t);
    const v1 = parts.v1;
    if (!Number.isSafeInteger(t) || typeof v1 !== 'string' || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, error: 'malformed signature header' };
    const now = this.now();
    if (Math.abs(now - t * 1000) > this.toleranceMs) return { ok: false, error: 'signature timestamp outside the tolerance (check the clocks)' };
    const expected = Buffer.from(hmac(this.secret, t, body), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, error: 'signature does not match' };
    this.expire(now);
    if (this.seen.has(v1)) return { ok: false, error: 'replayed request' };
    if (this.seen.size >= this.maxRemembered) return { ok: false, error: 'too many requests to remember: retry later' };
    this.seen.set(v1, t * 1000 + this.toleranceMs);
    return { ok: true };
  }

  private expire(now: number): void {
    // insertion order is roughly expiry order: stop at the first still-valid one
    for (const [signature, until] of this.seen) {
      if (until >= now) break;
      this.seen.delete(signature);
    }
  }
}

function hmac(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}
