import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { OpenSessionDto, SessionDirectory, SessionsService } from '@vigil/sessions';
import type { ImportedEnd, RegistryInput } from './aws-session';
import type { ImportRegistry } from './import-ports';
import { RejectedSessionError } from './source-poller';

/**
 * The registry (SessionsService, SessionDirectory) as the importer's port: the same calls agents'
 * sessions go through, so imported sessions get the same events, audit, access log and liveness.
 */
@Injectable()
export class SessionRegistryAdapter implements ImportRegistry {
  constructor(
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
  ) {}

  async open(agentId: string, input: RegistryInput) {
    // OpenSessionDto's type leaves SSM out so that agents cannot report it; the importer is the
    // one writer of SSM sessions, and the registry stores any session type.
    const result = await this.refusals(() => this.sessions.open(agentId, input as unknown as OpenSessionDto));
    const ended = 'endDate' in result.session;
    return { sessionId: result.session.id, startDate: Date.parse(result.session.startDate), ended, created: result.created };
  }

  async end(agentId: string, sessionId: string, end: ImportedEnd): Promise<'ended' | 'already-ended'> {
    try {
      const result = await this.refusals(() => this.sessions.end(sessionId, { agentId, reason: end.reason, endDate: end.endDate, message: end.message }));
      return result.alreadyEnded ? 'already-ended' : 'ended';
    } catch (error) {
      // gone from the registry altogether (retention purged it): nothing left to end
      if (error instanceof NotFoundException) return 'already-ended';
      throw error;
    }
  }

  async heartbeat(agentId: string, sessionId: string): Promise<'ok' | 'gone'> {
    try {
      await this.sessions.heartbeat(agentId, sessionId);
      return 'ok';
    } catch (error) {
      if (error instanceof NotFoundException) return 'gone';
      throw error;
    }
  }

  async disconnect(sessionId: string): Promise<'ok' | 'gone'> {
    const session = await this.directory.findVisible(sessionId, null);
    if (!session) return 'gone';
    if (session.status !== 'Disconnected') await this.sessions.markDisconnected(sessionId, Date.parse(session.lastHeartbeat));
    return 'ok';
  }

  stillOpen(sessionIds: string[]): Promise<Set<string>> {
    return this.directory.stillOpen(sessionIds);
  }

  /** The registry's 400s (a date it will not take) refuse one session, not the whole poll. */
  private async refusals<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BadRequestException) throw new RejectedSessionError(error.message);
      throw error;
    }
  }
}
