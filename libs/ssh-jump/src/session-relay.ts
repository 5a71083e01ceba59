import type {
  AcceptConnection,
  Client,
  ClientChannel,
  ExecInfo,
  PseudoTtyInfo,
  RejectConnection,
  ServerChannel,
  Session,
  SessionAccept,
  SignalInfo,
  SubsystemInfo,
  WindowChangeInfo,
  X11Info,
  PseudoTtyOptions,
} from 'ssh2';
import type { JumpLogger, JumpPorts, JumpSessionKind, JumpTarget, JumpUser } from './jump-ports';
import { EarlyUpstreamEnd, ExitStatus, LiveSshSession } from './live-ssh-session';
import { refusal } from './refusal-messages';
import { errorMessage } from './upstream-connect';

/** Everything a session needs from the connection it belongs to. */
export interface SessionContext {
  user: JumpUser;
  target: JumpTarget;
  upstream: Client;
  clientIp: string;
  clientPort: number;
  ports: JumpPorts;
  logger?: JumpLogger;
  /** The gateway's chance to attach taps before the first byte flows. */
  sessionOpened(session: LiveSshSession): void;
  sessionClosed(session: LiveSshSession): void;
  closeConnection(): void;
  /** Connection-level refusals (e.g. -L) are also announced on running sessions. */
  notices: string[];
}

/** Legacy scp runs as `scp -t`/`scp -f` over exec; it is file transfer, governed like SFTP. */
const LEGACY_SCP = /^\s*(?:\S*\/)?scp\s/;

/**
 * Handles one session channel from the user: collects pty/env/x11 requests, applies the target
 * policy, opens the matching channel on the target and hands both to a LiveSshSession.
 */
export class SessionRelay {
  private pty: PseudoTtyInfo | undefined;
  private readonly env: Record<string, string> = {};
  private x11: X11Info | undefined;
  private live: LiveSshSession | undefined;
  /** Resizes that arrive while the target channel is still opening. */
  private pendingWindow: WindowChangeInfo | undefined;
  /** Refusal notices for requests made before the channel existed (e.g. -A, -X). */
  private readonly pendingNotices: string[] = [];
  private started = false;

  constructor(private readonly session: Session, private readonly ctx: SessionContext) {
    const policy = ctx.target.policy;
    session.on('pty', (accept: SessionAccept, _reject: RejectConnection, info: PseudoTtyInfo) => {
      this.pty = info;
      accept?.();
    });
    session.on('env', (accept: SessionAccept, _reject: RejectConnection, info: { key: string; val: string }) => {
      // Forwarded as-is; the target's AcceptEnv decides what it honours.
      this.env[info.key] = info.val;
      accept?.();
    });
    session.on('window-change', (accept: SessionAccept, _reject: RejectConnection, info: WindowChangeInfo) => {
      if (this.live) this.live.resize(info.cols, info.rows, info.height, info.width);
      else if (this.pty) {
        this.pty = { ...this.pty, cols: info.cols, rows: info.rows, width: info.width, height: info.height };
        this.pendingWindow = info;
      }
      accept?.();
    });
    session.on('signal', (accept: SessionAccept, _reject: RejectConnection, info: SignalInfo) => {
      this.live?.signal(info.name);
      accept?.();
    });
    session.on('x11', (accept: SessionAccept, reject: RejectConnection, info: X11Info) => {
      if (!policy.x11) {
        this.refuseRequest(reject, refusal.x11Disabled(ctx.target.name));
        return;
      }
      this.x11 = info;
      accept?.();
    });
    session.on('auth-agent', (_accept: SessionAccept, reject: RejectConnection) => {
      // ssh2's server side cannot open auth-agent channels back to the user, so even an allowing
      // policy cannot be honoured; say which of the two it is.
      this.refuseRequest(
        reject,
        policy.agentForwarding ? refusal.agentForwardingUnsupported() : refusal.agentForwardingDisabled(ctx.target.name),
      );
    });
    session.on('shell', (accept: AcceptConnection<ServerChannel>) => {
      void this.start(accept, 'shell');
    });
    session.on('exec', (accept: AcceptConnection<ServerChannel>, _reject: RejectConnection, info: ExecInfo) => {
      if (!policy.sftp && LEGACY_SCP.test(info.command)) {
        this.refuseChannel(accept, refusal.sftpDisabled(ctx.target.name));
        return;
      }
      void this.start(accept, 'exec', info.command);
    });
    // Deliberately no 'sftp' listener: with one, ssh2 would terminate SFTP itself; without it the
    // sftp subsystem arrives here as a raw channel we can relay byte for byte.
    session.on('subsystem', (accept: AcceptConnection<ServerChannel>, _reject: RejectConnection, info: SubsystemInfo) => {
      const allowed = info.name === 'sftp' ? policy.sftp : (policy.subsystems ?? []).includes(info.name);
      if (!allowed) {
        this.refuseChannel(
          accept,
          info.name === 'sftp' ? refusal.sftpDisabled(ctx.target.name) : refusal.subsystemDisabled(ctx.target.name, info.name),
        );
        return;
      }
      void this.start(accept, 'subsystem', info.name);
    });
  }

  /** Writes `line` where the user sees it: on the live session, or queued for when it starts. */
  notify(line: string): void {
    if (this.live) this.live.notifyUser(line);
    else this.pendingNotices.push(line);
  }

  private refuseRequest(reject: RejectConnection | undefined, message: string): void {
    this.ctx.logger?.log(`refused for ${this.ctx.user.username}@${this.ctx.target.name}: ${message}`);
    this.notify(message);
    reject?.();
  }

  /**
   * Accepting and then failing with a message on stderr is the only way OpenSSH clients (sftp,
   * scp, ssh) show our reason; a plain channel-request failure prints a generic error.
   */
  private refuseChannel(accept: AcceptConnection<ServerChannel>, message: string): void {
    this.ctx.logger?.log(`refused for ${this.ctx.user.username}@${this.ctx.target.name}: ${message}`);
    const channel = accept();
    if (!channel) return;
    this.failChannel(channel, message);
  }

  private failChannel(channel: ServerChannel, message: string): void {
    channel.stderr.write(`${message}\r\n`);
    channel.exit(1);
    channel.end();
  }

  private async start(accept: AcceptConnection<ServerChannel>, kind: JumpSessionKind, command?: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { ctx } = this;
    const channel = accept();
    if (!channel) return;
    for (const notice of this.pendingNotices.splice(0)) channel.stderr.write(`${notice}\r\n`);
    for (const notice of ctx.notices.splice(0)) channel.stderr.write(`${notice}\r\n`);

    let upstream: ClientChannel;
    try {
      upstream = await this.openUpstream(kind, command);
    } catch (err) {
      ctx.logger?.warn(`target ${ctx.target.name} refused ${kind}: ${errorMessage(err)}`);
      this.failChannel(channel, refusal.upstreamFailed(ctx.target.name));
      return;
    }
    // The target channel buffers (within its SSH window) until start(): nothing is lost while
    // the registry is being told. Its exit status and close are events, not buffered: note them.
    upstream.pause();
    upstream.stderr.pause();
    const early: EarlyUpstreamEnd = {};
    const noteExit = (...status: ExitStatus): void => void (early.exit = status);
    const noteClose = (): void => void (early.closed = true);
    upstream.on('exit', noteExit);
    upstream.once('close', noteClose);
    const stopNoting = (): void => {
      upstream.off('exit', noteExit);
      upstream.off('close', noteClose);
    };

    const pty = this.pty;
    const info = {
      user: ctx.user,
      target: ctx.target,
      clientIp: ctx.clientIp,
      clientPort: ctx.clientPort,
      cols: pty?.cols ?? 0,
      rows: pty?.rows ?? 0,
      term: pty?.term ?? '',
      pty: !!pty,
      kind,
      command,
    };
    let sessionId: string;
    try {
      ({ sessionId } = await ctx.ports.sessionStarted(info));
    } catch (err) {
      stopNoting();
      ctx.logger?.error(`sessionStarted failed for ${ctx.user.username}@${ctx.target.name}: ${errorMessage(err)}`);
      upstream.close();
      this.failChannel(channel, refusal.sessionRefused());
      return;
    }

    const live = new LiveSshSession(sessionId, info, channel, upstream, {
      logger: ctx.logger,
      closeConnection: ctx.closeConnection,
      ended: (end) => {
        ctx.sessionClosed(live);
        ctx.ports.sessionEnded(sessionId, end).catch((err: unknown) =>
          ctx.logger?.error(`sessionEnded failed for session ${sessionId}: ${errorMessage(err)}`),
        );
      },
    });
    this.live = live;
    ctx.sessionOpened(live);
    stopNoting();
    live.start(early);
    upstream.resume();
    upstream.stderr.resume();
    if (this.pendingWindow) {
      const w = this.pendingWindow;
      this.pendingWindow = undefined;
      live.resize(w.cols, w.rows, w.height, w.width);
    }
  }

  private openUpstream(kind: JumpSessionKind, command?: string): Promise<ClientChannel> {
    const { upstream } = this.ctx;
    const pty: PseudoTtyOptions | undefined = this.pty
      ? { rows: this.pty.rows, cols: this.pty.cols, height: this.pty.height, width: this.pty.width, term: this.pty.term, modes: this.pty.modes }
      : undefined;
    const x11 = this.x11
      ? { single: this.x11.single, protocol: this.x11.protocol, cookie: this.x11.cookie, screen: this.x11.screen }
      : undefined;
    const env = Object.keys(this.env).length ? this.env : undefined;
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, channel: ClientChannel): void => (err ? reject(err) : resolve(channel));
      if (kind === 'shell') upstream.shell(pty ?? false, { env, x11 }, done);
      else if (kind === 'exec') upstream.exec(command ?? '', { pty, env, x11 }, done);
      else upstream.subsys(command ?? '', done);
    });
  }
}
