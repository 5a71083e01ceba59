import type { CloudTrailBody } from '@vigil/common';

/** Bodies kept at most: the chainer normally reads records back within milliseconds, so few are ever waiting. */
export const MAX_RECENT_BODIES = 5_000;

/**
 * The bodies of audit records this process wrote to the outbox, by id, until the chainer reads
 * them back: it then builds their views from the object instead of parsing the stored JSON again.
 * Only for the very text that was stored: a body is given back only with the detail it was
 * serialised to, so a row changed or written by someone else is parsed as before. Bounded: the
 * oldest go first (a record whose transaction rolled back is never read back).
 */
export class RecentAuditBodies {
  private readonly byId = new Map<string, { detail: string; body: CloudTrailBody }>();

  constructor(private readonly max = MAX_RECENT_BODIES) {}

  get size(): number {
    return this.byId.size;
  }

  remember(id: string, detail: string, body: CloudTrailBody): void {
    if (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value as string);
    this.byId.set(id, { detail, body });
  }

  /** The body serialised to `detail` under `id`, if still kept; it is kept no longer either way. */
  take(id: string, detail: string): CloudTrailBody | undefined {
    const kept = this.byId.get(id);
    if (!kept) return undefined;
    this.byId.delete(id);
    return kept.detail === detail ? kept.body : undefined;
  }
}
