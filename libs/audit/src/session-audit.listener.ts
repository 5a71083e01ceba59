import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SessionEndedEvent, SessionEvents, SessionOpenedEvent } from '@vigil/common';
import { AuditService } from './audit.service';

/** Records every session start, end and termination in the audit chain. */
@Injectable()
export class SessionAuditListener {
  private readonly logger = new Logger(SessionAuditListener.name);

  constructor(private readonly audit: AuditService) {}

  @OnEvent(SessionEvents.opened, { async: true, promisify: true })
  async onOpened({ session }: SessionOpenedEvent): Promise<void> {
    await this.safely(() =>
      this.audit.record({
        actor: `agent:${session.agentId}`,
        action: 'session.start',
        sessionId: session.id,
        detail: { type: session.type, user: session.user, client: session.client, owner: session.owner },
      }),
    );
  }

  @OnEvent(SessionEvents.ended, { async: true, promisify: true })
  async onEnded({ entry, message }: SessionEndedEvent): Promise<void> {
    const terminated = entry.endReason === 'terminated' && entry.endedBy;
    await this.safely(() =>
      this.audit.record({
        actor: terminated ? `user:${entry.endedBy}` : `agent:${entry.agentId}`,
        action: terminated ? 'session.terminate' : 'session.end',
        sessionId: entry.id,
        detail: { reason: entry.endReason, durationSeconds: entry.durationSeconds, ...(message ? { message } : {}) },
      }),
    );
  }

  private async safely(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.error(`audit write failed: ${(error as Error).message}`);
    }
  }
}
