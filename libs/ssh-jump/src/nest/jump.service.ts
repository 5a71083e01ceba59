import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { LiveHub, LiveSource } from '@vigil/shadowing';
import { JumpServer } from '../jump-server';
import type { LiveSshSession } from '../live-ssh-session';
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

  constructor(
    private readonly config: VigilConfig,
    private readonly ports: JumpPortsAdapter,
    private readonly recordings: JumpRecordings,
    private readonly hub: LiveHub,
  ) {}

  get port(): number {
    return this.listeningPort;
  }

  /** The SSH sessions running on this jump now. */
  liveSessions(): LiveSshSession[] {
    return this.server?.listSessions() ?? [];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = new JumpServer({ hostKeys: [loadJumpHostKey(this.config.dataDir)], ports: this.ports, logger: this.logger });
    this.server.on('session', (session: LiveSshSession) => this.tap(session));
    this.listeningPort = await this.server.listen(this.config.jumpSshPort, this.config.host);
  }

  /** Before the database closes: sessions still running end and their recordings are sealed. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.server?.close('Vigil gateway shutting down');
    await this.recordings.sealAll();
  }

  private tap(session: LiveSshSession): void {
    const writer = this.recordings.writer(session.id);
    // Notices are written to the user by the jump, not by the target: replay them into the
    // recording and the mirror too, so both show exactly the screen the user saw.
    const echoNotice = (text: string) => {
      if (!session.info.pty) return;
      const bytes = Buffer.from(`\r\n${text.replace(/[\x00-\x1f\x7f]/g, ' ')}\r\n`);
      writer?.output(bytes);
      feed.output(bytes);
    };
    const source: LiveSource = {
      kind: 'ssh',
      injectInput: (data) => {
        if (session.injectInput(data)) writer?.input(data);
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
        cols: session.cols > 0 ? session.cols : 80,
        rows: session.rows > 0 ? session.rows : 24,
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
    session.onEnd(() => feed.close('ended'));
  }
}
