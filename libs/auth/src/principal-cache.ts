/**
 * Remembers recently verified bearer tokens for a few seconds, so that an agent's burst of
 * requests costs one database lookup, not one per request. Bounded; oldest entries go first.
 */
export class PrincipalCache<P> {
  private readonly entries = new Map<string, { principal: P; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now: number): P | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(key: string, principal: P, now: number, notAfter = Infinity): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { principal, until: Math.min(now + this.ttlMs, notAfter) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every entry whose principal matches (a disabled user, a revoked agent). */
  deleteWhere(matches: (principal: P) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.principal)) this.entries.delete(key);
  }
}
