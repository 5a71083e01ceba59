import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditRequest, AuditRequested } from '@vigil/common';
import { AUDIT_ACTIONS, AuditAction, AuditService } from './audit.service';

const KNOWN = new Set<string>(AUDIT_ACTIONS);

/** Writes the audit records that libs below libs/audit (auth, targets) ask for. */
@Injectable()
export class AuditRequestListener {
  private readonly logger = new Logger(AuditRequestListener.name);

  constructor(private readonly audit: AuditService) {}

  @OnEvent(AuditRequested, { async: true, promisify: true })
  async onRequested(request: AuditRequest): Promise<void> {
    if (!KNOWN.has(request.action)) {
      this.logger.error(`audit request with unknown action ${request.action} dropped`);
      return;
    }
    try {
      await this.audit.record({ ...request, action: request.action as AuditAction });
    } catch (error) {
      this.logger.error(`audit write failed: ${(error as Error).message}`);
    }
  }
}
