import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { LoginThrottle } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox } from '@vigil/database';
import { LiveHub, SshLiveSource } from '@vigil/shadowing';
import { JumpServer } from '../jump-server';
import type { JumpSessionHandle } from '../jump-session-handle';
import { terminalNotice } from '../terminal-text';
import type { LiveSshSession } from '../live-ssh-session';
import { strictRecordingNotice } from '../recording-failure';
import { JumpCrashRecovery } from './jump-crash-recovery';
import { loadJumpHostKey } from './jump-host-key';
import { JumpPortsAdapter } from './jump-ports.adapter';
import { JumpRecordings } from './jump-recordings';

/**
 * Runs the SSH jump server inside the gateway. Each session's bytes go to the user first (the
 * relay), then, beside it, to the recording and to the live hub's mirror and viewers.
 */
@Injectable()
export class JumpService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JumpService.name);
  private server?: JumpServer;
  private listeningPort = 0;
  /** sessions of other downstreams (adopt), while they run */
  private readonly adopted = new Set<LiveSshSession>();

  constructor(
    private readonly config: VigilConfig,
    private readonly ports: JumpPortsAdapter,
    private readonly recordings: JumpRecordings,
    private readonly hub: LiveHub,
    private readonly loginThrottle: LoginThrottle,
    private readonly outbox: AuditOutbox,
    private readonly recovery: JumpCrashRecovery,
  ) {}

  get port(): number {
    return this.listeningPort;
  }

  /** The SSH sessions running on this jump now, the browser terminal's included. */
  liveSessions(): JumpSessionHandle[] {
    return [...(this.server?.listSessions() ?? []), ...this.adopted];
  }

  /**
   * A session relayed by another downstream (the browser terminal) joins the jump's path: the
   * same recording, live hub and strict-recording rule, and, while it runs, the keeper's heartbeats
   * and ends pushed from elsewhere. Call from `sessionOpened`, before the first byte flows.
   */
  adopt(session: LiveSshSession): void {
    this.adopted.add(session);
    session.onEnd(() => this.adopted.delete(session));
    this.tap(session);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Before accepting anyone: what a crashed predecessor left open is ended, its recordings sealed.
    const recovered = await this.recovery.recoverOrphans();
    if (recovered > 0) this.logger.warn(`ended ${recovered} session(s) left open by a crashed jump and sealed their recordings`);
    this.server = new JumpServer({
      hostKeys: [loadJumpHostKey(this.config.dataDir)],
      ports: this.ports,
      logger: this.logger,
      // One password budget with HTTP login, across every gateway and jump (Redis).
      rateLimit: this.loginThrottle,
      preAuth: this.config.jumpPreAuth,
    });
    this.server.on('session', (session: LiveSshSession) => this.tap(session));
    this.listeningPort = await this.server.listen(this.config.jumpSshPort, this.config.host);
  }

  /** Before the database closes: sessions still running end and their recordings are sealed. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const session of this.adopted) session.terminate('Vigil gateway shutting down');
    await this.server?.close('Vigil gateway shutting down');
    await this.recordings.sealAll();
  }

  private tap(session: LiveSshSession): void {
    const writer = this.recordings.writer(session.id);
    // Notices are written to the user by the jump, not by the target: replay them into the
    // recording and the mirror too, so both show exactly the screen the user saw.
    const echoNotice = (text: string) => {
      if (!session.info.pty) return;
      const bytes = Buffer.from(terminalNotice(text, true)); // byte for byte what the user was sent
      writer?.output(bytes);
      feed.output(bytes);
    };
    const source: SshLiveSource = {
      kind: 'ssh',
      size: { cols: session.cols > 0 ? session.cols : 80, rows: session.rows > 0 ? session.rows : 24 },
      // A viewer's keystrokes are recorded under the viewer's name, never as the user's.
      injectInput: (data, by) => {
        if (session.injectInput(data)) writer?.viewerInput(by, data);
      },
      setUserInputPaused: (paused) => session.setUserInputPaused(paused),
      notifyUser: (line) => {
        session.notifyUser(`[Vigil] ${line}`);
        echoNotice(`[Vigil] ${line}`);
      },
      terminate: (reason) => {
        if (!session.ended) echoNotice(`[Vigil] ${reason}`);
        session.terminate(reason);
      },
    };
    const feed = this.hub.open(
      {
        sessionId: session.id,
        owner: this.ports.ownerOf(session.id) ?? session.userName,
        user: session.userName,
        announceWatching: session.target.policy.announceWatching ?? true,
        recordingFile: this.recordings.livePath(session.id),
      },
      source,
    );
    session.onOutput((chunk) => {
      writer?.output(chunk);
      feed.output(chunk);
    });
    session.onInput((chunk) => writer?.input(chunk));
    session.onResize((cols, rows) => {
      writer?.resize(cols, rows);
      feed.resize(cols, rows);
    });
    const stopWatchingFailures = this.recordings.onFailure(session.id, (cause) => void this.recordingFailed(session, cause, echoNotice));
    session.onEnd(() => {
      stopWatchingFailures();
      feed.close('ended');
    });
  }

  /**
   * The recording can no longer be written. Strict targets (the default) end the session with the
   * cause: nothing may run unrecorded there. Others continue; either way the failure is audited and
   * the access-log entry will say the recording is incomplete.
   */
  private async recordingFailed(session: LiveSshSession, cause: string, echoNotice: (text: string) => void): Promise<void> {
    const strict = session.target.policy.strictRecording ?? true;
    if (strict && !session.ended) {
      const notice = strictRecordingNotice(session.target.name, cause);
      echoNotice(`[Vigil] ${notice}`); // viewers see it; the recording itself has stopped
      session.fail(notice);
    }
    try {
      await this.outbox.append({
        actor: `agent:${await this.ports.jumpAgentId()}`,
        action: 'recording.failed',
        sessionId: session.id,
        requestParameters: { cause, strict, user: session.userName, target: session.target.name, outcome: strict ? 'session ended' : 'session continues unrecorded' },
      });
    } catch (error) {
      this.logger.error(`audit write failed: ${(error as Error).message}`);
    }
  }
}
