import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AccessLogService } from '@vigil/access-log';
import { endNotice } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory } from '@vigil/sessions';
import { LiveHub } from '@vigil/shadowing';
import type { JumpSessionHandle } from '../jump-session-handle';
import { JumpPortsAdapter } from './jump-ports.adapter';
import { JumpService } from './jump.service';

/**
 * How soon a session ended elsewhere (terminated from any gateway) closes here without a push:
 * brief, < 1 s. With REDIS_URL the ending process pushes it (`live:ended`) and this poll only
 * catches a lost message or a process without Redis.
 */
const ENDED_CHECK_MS = 400;
const MAX_HEARTBEAT_EVERY_MS = 30_000;

/**
 * Keeps the registry and this jump's running SSH sessions in step, whichever process the change
 * comes from:
 * - the jump is the agent of its sessions, so it heartbeats them (a three-hour SSH session must
 *   not time out of the registry while its user is still typing);
 * - a session the registry ended elsewhere (terminated through another gateway, or swept after
 *   this jump stalled) is closed here with the reason: at once when the cluster link pushes the
 *   end (LiveHub.onEndedElsewhere), else within ENDED_CHECK_MS. It is closed as a terminate made
 *   in this process is (LiveHub.endOrigin): the notice reaches the user, the recording and the
 *   viewers' mirror alike, and the viewers are told the registry's reason.
 * Both read the shared database, so they work for the standalone jump with or without Redis; a
 * pushed end is only a hint to read it now.
 */
@Injectable()
export class JumpSessionKeeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JumpSessionKeeper.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private checking = false;
  /** an end was pushed while a check ran: check again right after it */
  private recheck = false;
  private stopListening?: () => void;

  constructor(
    private readonly config: VigilConfig,
    private readonly jump: JumpService,
    private readonly ports: JumpPortsAdapter,
    private readonly directory: SessionDirectory,
    private readonly accessLog: AccessLogService,
    private readonly hub: LiveHub,
  ) {}

  onApplicationBootstrap(): void {
    const heartbeatEvery = Math.max(50, Math.min(Math.floor(this.config.heartbeatTimeoutMs / 3), MAX_HEARTBEAT_EVERY_MS));
    this.timers.push(setInterval(() => void this.heartbeat(), heartbeatEvery).unref());
    this.timers.push(setInterval(() => void this.closeEndedElsewhere(), ENDED_CHECK_MS).unref());
    this.stopListening = this.hub.onEndedElsewhere((sessionId) => {
      if (this.running().some((session) => session.id === sessionId)) void this.closeEndedElsewhere();
    });
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
    this.stopListening?.();
  }

  private running(): JumpSessionHandle[] {
    return this.jump.liveSessions().filter((session) => !session.ended);
  }

  private async heartbeat(): Promise<void> {
    for (const session of this.running()) {
      await this.ports.heartbeat(session.id).catch((error: Error) => this.logger.warn(`heartbeat of session ${session.id} failed: ${error.message}`));
    }
  }

  private async closeEndedElsewhere(): Promise<void> {
    const sessions = this.running();
    if (sessions.length === 0) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    try {
      const open = await this.directory.stillOpen(sessions.map((s) => s.id));
      for (const session of sessions) {
        if (open.has(session.id) || session.ended) continue;
        const entry = await this.accessLog.findVisible(session.id, null);
        if (!entry) continue; // registered a moment ago and not yet visible, or purged: leave it
        this.logger.log(`session ${session.id} ended in the registry (${entry.endReason}): closing its SSH connection`);
        const notice = endNotice(entry);
        // A session watchable here ends through the hub, as an in-process terminate does.
        if (!this.hub.endOrigin(session.id, notice, entry.endReason)) session.terminate(notice);
      }
    } catch (error) {
      this.logger.warn(`checking for sessions ended elsewhere failed: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
    if (this.recheck) {
      this.recheck = false;
      await this.closeEndedElsewhere();
    }
  }
}
