/**
 * A request to append a record to the audit chain, published by libs that sit below libs/audit
 * (auth, targets) and so cannot call AuditService themselves. libs/audit listens and writes it.
 * The action names are AuditService's vocabulary (AUDIT_ACTIONS); `detail` never holds a secret.
 */
export const AuditRequested = 'audit.requested';

export interface AuditRequest {
  /** `user:<name>`, `agent:<id>`, `ip:<address>` or `system` */
  actor: string;
  action: string;
  sessionId?: string | null;
  detail?: Record<string, unknown>;
}

/** A person acting through the API, as audit records name them. */
export interface AuditActor {
  username: string;
  sourceIp?: string;
}

/** Anything that publishes events (EventEmitter2): kept structural so libs/common needs no Nest import. */
export interface AuditPublisher {
  emit(event: string, payload: AuditRequest): unknown;
}

/** Asks libs/audit to record what `actor` did; the source address goes into the detail. */
export function requestAudit(events: AuditPublisher, actor: AuditActor, action: string, detail: Record<string, unknown>, errorCode?: string): void {
  events.emit(AuditRequested, {
    actor: `user:${actor.username}`,
    action,
    detail: { ...detail, ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}), ...(errorCode ? { errorCode } : {}) },
  });
}
