import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditRequest, AuditRequested, isAuditAction } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';

/**
 * TRANSITIONAL: writes the audit records that libs still publish as events (after their commit).
 * Being replaced by AuditOutbox.appendWithin in each change's transaction; removed once no lib
 * publishes AuditRequested.
 */
@Injectable()
export class AuditRequestListener {
  private readonly logger = new Logger(AuditRequestListener.name);

  constructor(private readonly outbox: AuditOutbox) {}

  @OnEvent(AuditRequested, { async: true, promisify: true })
  async onRequested(request: AuditRequest): Promise<void> {
    if (!isAuditAction(request.action)) {
      this.logger.error(`audit request with unknown action ${request.action} dropped`);
      return;
    }
    const { sourceIp, userAgent, requestId, accessKeyId, errorCode, errorMessage, ...rest } = (request.detail ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    try {
      await this.outbox.append({
        action: request.action,
        actor: request.actor,
        sessionId: request.sessionId ?? null,
        context: { sourceIp: str(sourceIp), userAgent: str(userAgent), requestId: str(requestId), accessKeyId: str(accessKeyId) },
        requestParameters: rest,
        ...(str(errorCode) ? { errorCode: str(errorCode), errorMessage: str(errorMessage) } : {}),
      });
    } catch (error) {
      this.logger.error(`audit write failed: ${(error as Error).message}`);
    }
  }
}
