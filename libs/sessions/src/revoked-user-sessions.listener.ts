import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuthEvents, PrincipalRevokedEvent } from '@vigil/auth';
import { SessionDirectory } from './session-directory.service';
import { SessionsService } from './sessions.service';

const WHY: Partial<Record<PrincipalRevokedEvent['reason'], string>> = {
  disabled: 'Your Vigil account was disabled.',
  deleted: 'Your Vigil account was deleted.',
};

/**
 * A disabled or deleted account keeps nothing open: its jump sessions end at once (terminated,
 * with the reason shown to the user), whichever process carries them.
 */
@Injectable()
export class RevokedUserSessionsListener {
  private readonly logger = new Logger(RevokedUserSessionsListener.name);

  constructor(
    private readonly directory: SessionDirectory,
    private readonly sessions: SessionsService,
  ) {}

  @OnEvent(AuthEvents.principalRevoked, { async: true, promisify: true })
  async onRevoked(event: PrincipalRevokedEvent): Promise<void> {
    const message = WHY[event.reason];
    if (!message) return;
    for (const sessionId of await this.directory.carriedByJumpsFor(event.username)) {
      try {
        await this.sessions.end(sessionId, { reason: 'terminated', endedBy: 'vigil', message });
      } catch (error) {
        this.logger.error(`could not end session ${sessionId} of ${event.reason} user ${event.username}: ${(error as Error).message}`);
      }
    }
  }
}
