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
import type { TokenBucket } from '@vigil/common';
import type { JumpClock } from './jump-clock';
import type { JumpLogger, JumpPorts, JumpSessionKind, JumpTarget, JumpUser } from './jump-ports';
import type { LiveSshSession } from './live-ssh-session';
import { startRelayedSession } from './relayed-session';
import { refusal } from './refusal-messages';
import { MAX_TERMINAL_COLS, MAX_TERMINAL_ROWS, ResizeCoalescer, clampTerminalSize } from './resize-coalescer';
import { sanitizeTerminalText } from './terminal-text';
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
  /** The connection's request budget; false = refuse this request (or the connection is being cut). */
  admit(): boolean;
  clock: JumpClock;
  /** Resizes the connection's sessions may apply, together (see ResizeCoalescer). */
  resizeBudget: TokenBucket;
}

/**
 * Legacy scp runs as `scp -t`/`scp -f` over exec. Recognising it by name is a courtesy, so the
 * standard client gets the policy's reason: it is no boundary (`sh -c "scp -t ."`, `sftp -s
 * /usr/lib/openssh/sftp-server` and any other command run fine). Only `exec: false` closes exec.
 */
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
  /** Window changes, coalesced and bounded: a flood of them must not cost a resize each. */
  private readonly resizer: ResizeCoalescer;
  /** Refusal notices for requests made before the channel existed (e.g. -A, -X). */
  private readonly pendingNotices: string[] = [];
  private started = false;

  constructor(private readonly session: Session, private readonly ctx: SessionContext) {
    const policy = ctx.target.policy;
    this.resizer = new ResizeCoalescer({
      clock: ctx.clock,
      budget: ctx.resizeBudget,
      apply: (size) => {
        if (this.live && !this.live.ended) this.live.resize(size.cols, size.rows, size.height, size.width);
      },
    });
    session.once('close', () => this.resizer.dispose());
    session.on('pty', (accept: SessionAccept, reject: RejectConnection, info: PseudoTtyInfo) => {
      if (!ctx.admit()) return reject?.();
      // Upper bounds only: a zero size means "unknown" here, and the mirror picks a default.
      this.pty = { ...info, cols: Math.min(info.cols, MAX_TERMINAL_COLS), rows: Math.min(info.rows, MAX_TERMINAL_ROWS) };
      accept?.();
    });
    session.on('env', (accept: SessionAccept, reject: RejectConnection, info: { key: string; val: string }) => {
      if (!ctx.admit()) return reject?.();
      // Forwarded as-is; the target's AcceptEnv decides what it honours.
      this.env[info.key] = info.val;
      accept?.();
    });
    session.on('window-change', (accept: SessionAccept, _reject: RejectConnection, info: WindowChangeInfo) => {
      // Counted against the connection's budget (a flood gets it cut), but never refused: a
      // stored size costs nothing, and the last one the user sent must reach the target.
      ctx.admit();
      accept?.();
      const size = clampTerminalSize(info);
      if (!size) return;
      if (this.live) this.resizer.offer(size);
      else if (this.pty) {
        this.pty = { ...this.pty, ...size };
        this.pendingWindow = { ...size };
      }
    });
    session.on('signal', (accept: SessionAccept, reject: RejectConnection, info: SignalInfo) => {
      if (!ctx.admit()) return reject?.();
      this.live?.signal(info.name);
      accept?.();
    });
    session.on('x11', (accept: SessionAccept, reject: RejectConnection, info: X11Info) => {
      if (!ctx.admit()) return reject?.();
      if (!policy.x11) {
        this.refuseRequest(reject, refusal.x11Disabled(ctx.target.name));
        return;
      }
      this.x11 = info;
      accept?.();
    });
    session.on('auth-agent', (_accept: SessionAccept, reject: RejectConnection) => {
      if (!ctx.admit()) return reject?.();
      // ssh2's server side cannot open auth-agent channels back to the user, so even an allowing
      // policy cannot be honoured; say which of the two it is.
      this.refuseRequest(
        reject,
        policy.agentForwarding ? refusal.agentForwardingUnsupported() : refusal.agentForwardingDisabled(ctx.target.name),
      );
    });
    session.on('shell', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection) => {
      if (!ctx.admit()) return reject?.();
      // A shell without a terminal reads its commands from stdin: it is an exec in disguise.
      if (policy.exec === false && !this.pty) {
        this.refuseChannel(accept, refusal.nonInteractiveDisabled(ctx.target.name));
        return;
      }
      void this.start(accept, 'shell');
    });
    session.on('exec', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: ExecInfo) => {
      if (!ctx.admit()) return reject?.();
      if (policy.exec === false) {
        // Every command, scp's and sftp-server's included, whatever it is called or wrapped in.
        this.refuseChannel(accept, refusal.nonInteractiveDisabled(ctx.target.name));
        return;
      }
      if (!policy.sftp && LEGACY_SCP.test(info.command)) {
        this.refuseChannel(accept, refusal.sftpDisabled(ctx.target.name));
        return;
      }
      void this.start(accept, 'exec', info.command);
    });
    // Deliberately no 'sftp' listener: with one, ssh2 would terminate SFTP itself; without it the
    // sftp subsystem arrives here as a raw channel we can relay byte for byte.
    session.on('subsystem', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: SubsystemInfo) => {
      if (!ctx.admit()) return reject?.();
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
    // Bounded and without repeats: refusals may come by the hundred before the channel opens.
    else if (this.pendingNotices.length < 10 && !this.pendingNotices.includes(line)) this.pendingNotices.push(line);
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
    channel.stderr.write(`${sanitizeTerminalText(message)}\r\n`);
    channel.exit(1);
    channel.end();
  }

  private async start(accept: AcceptConnection<ServerChannel>, kind: JumpSessionKind, command?: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { ctx } = this;
    const channel = accept();
    if (!channel) return;
    for (const notice of [...this.pendingNotices.splice(0), ...ctx.notices.splice(0)]) {
      channel.stderr.write(`${sanitizeTerminalText(notice)}\r\n`);
    }

    let upstream: ClientChannel;
    try {
      upstream = await this.openUpstream(kind, command);
    } catch (err) {
      ctx.logger?.warn(`target ${ctx.target.name} refused ${kind}: ${errorMessage(err)}`);
      this.failChannel(channel, refusal.upstreamFailed(ctx.target.name));
      return;
    }
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
    const live = await startRelayedSession(channel, upstream, info, {
      ports: ctx.ports,
      logger: ctx.logger,
      clock: ctx.clock,
      closeConnection: ctx.closeConnection,
      sessionOpened: ctx.sessionOpened,
      sessionClosed: ctx.sessionClosed,
    });
    if (!live) {
      this.failChannel(channel, refusal.sessionRefused());
      return;
    }
    this.live = live;
    if (this.pendingWindow) {
      const w = this.pendingWindow;
      this.pendingWindow = undefined;
      this.resizer.offer({ cols: w.cols, rows: w.rows, width: w.width, height: w.height });
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
