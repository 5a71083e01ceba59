import { Logger } from '@nestjs/common';
import type { AuditAction } from '@vigil/common';
import type { UserPrincipal } from '@vigil/auth';
import type { AuditOutbox } from '@vigil/database';
import type { LiveEdge } from './live-edge';

/** An access or a change whose audit record could not be written does not happen. */
export const AUDIT_UNAVAILABLE = { ok: false, error: 'refused: the audit record could not be written' } as const;

/** A burst of typing is one audit record: a new record only after this much quiet. */
const INPUT_BURST_GAP_MS = 5_000;

/** The audit records of /live actions, whichever protocol the session speaks. */
export class LiveAuditTrail {
  private readonly logger = new Logger('LiveAudit');
  private readonly lastInput = new Map<string, number>();
  /** viewer id → whether its current input burst's record was written (pending while it is) */
  private readonly inputRecords = new Map<string, Promise<boolean>>();

  constructor(
    private readonly outbox: AuditOutbox,
    private readonly edge: () => LiveEdge | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes the record (committed when this resolves true); false when it could not be written.
   * The viewer's source address and user agent are its socket's when the socket is on this
   * gateway (a viewer on another gateway is recorded without them).
   */
  async record(user: UserPrincipal, action: AuditAction, sessionId: string, requestParameters: Record<string, unknown>, viewerId: string): Promise<boolean> {
    const context = this.edge()?.auditContext(viewerId);
    try {
      await this.outbox.append({ action, actor: `user:${user.username}`, sessionId, requestParameters, ...(context ? { context } : {}) });
      return true;
    } catch (error) {
      this.logger.error(`audit write failed (${action} by ${user.username} on ${sessionId}): ${(error as Error).message}`);
      return false;
    }
  }

  /**
   * Whether the record of the input burst this keystroke belongs to is written: the burst's first
   * keystroke starts the record, the next ones wait behind it (so they stay in order). On a
   * failure the next keystroke starts a burst and tries again.
   */
  async inputRecorded(user: UserPrincipal, sessionId: string, viewerId: string): Promise<boolean> {
    const now = this.now();
    if (now - (this.lastInput.get(viewerId) ?? 0) > INPUT_BURST_GAP_MS) {
      this.inputRecords.set(viewerId, this.record(user, 'viewer.input', sessionId, {}, viewerId));
    }
    this.lastInput.set(viewerId, now);
    if (await (this.inputRecords.get(viewerId) ?? true)) return true;
    this.lastInput.delete(viewerId);
    return false;
  }

  forget(viewerId: string): void {
    this.lastInput.delete(viewerId);
    this.inputRecords.delete(viewerId);
  }
}
