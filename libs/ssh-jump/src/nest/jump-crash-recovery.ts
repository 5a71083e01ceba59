import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@vigil/common';
import type { CrashedRecording } from '@vigil/recording';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import type { OrphanInstance, TrackedSession } from '../jump-instance-folder';
import { CRASH_RECOVERY_MESSAGE } from '../recording-failure';
import { JumpRecordings } from './jump-recordings';

/**
 * At boot, before the jump accepts connections: the sessions a crashed jump process of this host
 * left behind (its instance folder, see JumpInstanceFolder) are ended with reason `failed` and a
 * message saying so, instead of staying Connected until the timeout sweep; their recordings,
 * complete up to the crash, are hashed as they are on disk and linked with status `recovered`.
 * Only folders whose process is certainly gone are touched, so jumps sharing the data folder and
 * the database never end each other's sessions. Every step is idempotent: a crash during recovery
 * is recovered by the next boot.
 */
@Injectable()
export class JumpCrashRecovery {
  private readonly logger = new Logger(JumpCrashRecovery.name);

  constructor(
    private readonly recordings: JumpRecordings,
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
    private readonly clock: Clock,
  ) {}

  /** Returns how many sessions were recovered. */
  async recoverOrphans(): Promise<number> {
    let recovered = 0;
    for (const orphan of await this.recordings.instance.findOrphans()) {
      if (await this.recoverInstance(orphan)) recovered += orphan.sessions.length;
    }
    return recovered;
  }

  private async recoverInstance(orphan: OrphanInstance): Promise<boolean> {
    const { instanceId, pid } = orphan.owner;
    if (orphan.sessions.length > 0) {
      this.logger.warn(`jump ${instanceId} (pid ${pid}) ${orphan.why}: ending its ${orphan.sessions.length} session(s) and sealing their recordings`);
    }
    let complete = true;
    for (const session of orphan.sessions) {
      try {
        await this.recoverSession(session);
      } catch (error) {
        complete = false;
        this.logger.error(`recovering session ${session.sessionId} failed (retried at the next boot): ${(error as Error).message}`);
      }
    }
    if (complete) await this.recordings.instance.forget(orphan);
    return complete;
  }

  private async recoverSession({ sessionId, relativePath }: TrackedSession): Promise<void> {
    const recording = relativePath === null ? null : await this.recordings.store.examineCrashed(sessionId, relativePath);
    const open = await this.directory.findVisible(sessionId, null);
    if (open) {
      await this.sessions.end(sessionId, { reason: 'failed', message: CRASH_RECOVERY_MESSAGE, endDate: this.crashTime(open, recording) });
    }
    // The entry is there now (ended here, or earlier by the timeout sweep); a missing one was purged.
    await this.recordings.store.linkRecovered(sessionId, relativePath, recording);
  }

  /** The last sign of life: the later of the last heartbeat and the last recorded event. */
  private crashTime(session: { startDate: string; lastHeartbeat: string }, recording: CrashedRecording | null): number {
    const start = Date.parse(session.startDate);
    let last = Date.parse(session.lastHeartbeat);
    if (recording?.header.timestamp !== undefined) {
      last = Math.max(last, Math.round((recording.header.timestamp + recording.lastEventSeconds) * 1000));
    }
    return Math.min(Math.max(last, start), this.clock.now());
  }
}
