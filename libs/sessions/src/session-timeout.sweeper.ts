import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory } from './session-directory.service';
import { decideTimeout } from './session-lifecycle';
import { SessionRevivedError, SessionsService } from './sessions.service';

const BATCH = 500;

/**
 * Periodically applies the liveness policy: silent sessions become Disconnected, then end with
 * reason `timeout`. Safe to run on several gateways at once: each step re-checks under a row
 * lock and ending is idempotent.
 */
@Injectable()
export class SessionTimeoutSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionTimeoutSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly directory: SessionDirectory,
    private readonly sessions: SessionsService,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns what it did. Overlapping passes are skipped. */
  async sweep(): Promise<{ disconnected: number; ended: number }> {
    const done = { disconnected: 0, ended: 0 };
    if (this.running) return done;
    this.running = true;
    try {
      const policy = { heartbeatTimeoutMs: this.config.heartbeatTimeoutMs, disconnectGraceMs: this.config.disconnectGraceMs };
      const now = this.clock.now();
      const { heartbeatTimeoutMs, disconnectGraceMs } = policy;
      const due = [
        ...(await this.directory.findDisconnectedDue(now - disconnectGraceMs, now - heartbeatTimeoutMs - disconnectGraceMs, BATCH)),
        ...(await this.directory.findSilentConnected(now - heartbeatTimeoutMs, BATCH)),
      ];
      for (const session of due) {
        const decision = decideTimeout(session, now, policy);
        if (decision === 'disconnect' && (await this.sessions.markDisconnected(session.id, session.lastHeartbeat))) {
          done.disconnected++;
        } else if (decision === 'end') {
          if (await this.endSilent(session.id, session.lastHeartbeat)) done.ended++;
        }
      }
    } catch (error) {
      this.logger.error(`timeout sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    return done;
  }

  private async endSilent(sessionId: string, lastHeartbeat: number): Promise<boolean> {
    try {
      // The last heartbeat is the last moment the session was known to be alive.
      const request = { reason: 'timeout', endDate: lastHeartbeat, onlyIfLastHeartbeat: lastHeartbeat, audit: { actor: 'system' } } as const;
      return !(await this.sessions.end(sessionId, request)).alreadyEnded;
    } catch (error) {
      if (error instanceof SessionRevivedError) return false;
      throw error;
    }
  }
}
