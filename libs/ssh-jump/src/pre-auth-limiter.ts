/**
 * Bounds connections that have not authenticated yet, like OpenSSH's MaxStartups (a hard cap
 * here, no random early drop) and PerSourceMaxStartups: holding a pre-auth slot costs an
 * attacker nothing but a TCP connection, so the slots are few and each is held at most for the
 * login grace time (enforced by JumpServer). Authenticated connections do not count.
 */
export interface PreAuthLimits {
  /** Unauthenticated connections at once, from everyone. */
  maxStartups: number;
  /** Unauthenticated connections at once from one client address. */
  maxStartupsPerIp: number;
}

export interface PreAuthSlot {
  readonly ip: string;
  /** Gives the slot back (authenticated, or closed). Idempotent. */
  release(): void;
}

export type PreAuthAdmission = { ok: true; slot: PreAuthSlot } | { ok: false; reason: 'max-startups' | 'per-ip' };

export class PreAuthLimiter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(private readonly limits: PreAuthLimits) {
    if (!(limits.maxStartups >= 1) || !(limits.maxStartupsPerIp >= 1)) throw new RangeError('pre-auth limits must be ≥ 1');
  }

  /** Unauthenticated connections held now (all, or from `ip`). */
  count(ip?: string): number {
    return ip === undefined ? this.total : (this.perIp.get(normalizeIp(ip)) ?? 0);
  }

  admit(rawIp: string): PreAuthAdmission {
    const ip = normalizeIp(rawIp);
    const fromIp = this.perIp.get(ip) ?? 0;
    // The per-address cap is checked first: it is the one that names the culprit.
    if (fromIp >= this.limits.maxStartupsPerIp) return { ok: false, reason: 'per-ip' };
    if (this.total >= this.limits.maxStartups) return { ok: false, reason: 'max-startups' };
    this.total++;
    this.perIp.set(ip, fromIp + 1);
    let released = false;
    return {
      ok: true,
      slot: {
        ip,
        release: () => {
          if (released) return;
          released = true;
          this.total--;
          const left = (this.perIp.get(ip) ?? 1) - 1;
          if (left > 0) this.perIp.set(ip, left);
          else this.perIp.delete(ip);
        },
      },
    };
  }
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the same client as `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
