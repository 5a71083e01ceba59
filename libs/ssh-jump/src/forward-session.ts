import type { Duplex } from 'node:stream';
import type {
  JumpForwardEvent,
  JumpForwardKind,
  JumpLogger,
  JumpPorts,
  JumpSessionEndInfo,
  JumpSessionStartInfo,
  JumpTarget,
  JumpUser,
} from './jump-ports';
import type { JumpSessionHandle } from './jump-session-handle';
import { errorMessage } from './upstream-connect';

export interface ForwardSessionContext {
  user: JumpUser;
  target: JumpTarget;
  clientIp: string;
  clientPort: number;
  ports: Pick<JumpPorts, 'sessionStarted' | 'sessionEnded' | 'forwardChannel'>;
  logger?: JumpLogger;
  /** Registered: the jump lists it (heartbeats, terminate from the registry). */
  opened(session: ForwardSession): void;
  closed(session: ForwardSession): void;
  /** terminate() ends the whole SSH connection that carries the tunnel, telling the user why. */
  terminateConnection(reason: string): void;
  now?: () => number;
}

/** The description a forwarding session is registered (and its recording titled) with. */
export const FORWARD_SESSION_COMMAND = 'port forwarding';

/**
 * A connection's port forwarding as one registry session (kind `forward`): registered when the
 * first forwarded channel or -R listener is about to open (an idle `ssh -N` moves no data, and
 * the jump cannot know it is one until then), listed until the connection closes, each channel
 * reported open and closed with its destination and byte counts, and terminable like a shell:
 * terminate() closes every channel and the connection.
 */
export class ForwardSession implements JumpSessionHandle {
  private sessionId: string | undefined;
  private registering: Promise<boolean> | undefined;
  private finished = false;
  private endInfo: JumpSessionEndInfo | undefined;
  private seq = 0;
  /** Closers of the channels carried now. */
  private readonly channels = new Set<() => void>();
  /** -R listeners on the target, by `addr:port`. */
  private readonly listeners = new Map<string, { channel: number; openedAt: number }>();
  private readonly now: () => number;

  constructor(private readonly ctx: ForwardSessionContext) {
    this.now = ctx.now ?? Date.now;
  }

  get id(): string {
    return this.sessionId ?? '';
  }

  get ended(): boolean {
    return this.finished;
  }

  get registered(): boolean {
    return this.sessionId !== undefined;
  }

  /** Channels carried now (for tests and logs). */
  get openChannels(): number {
    return this.channels.size;
  }

  /**
   * Resolves true once the session is registered (registering it on first use); false when it
   * cannot be (the registry refused, or the connection is gone): the caller refuses the channel.
   */
  ready(): Promise<boolean> {
    if (this.finished) return Promise.resolve(false);
    if (this.sessionId !== undefined) return Promise.resolve(true);
    this.registering ??= this.register();
    return this.registering;
  }

  /**
   * Splices a forwarded channel's two sides (the user's, the target's) with backpressure,
   * counting bytes each way, and reports it open now and closed when either side closes.
   */
  carry(kind: JumpForwardKind, destination: string, origin: string | undefined, userSide: Duplex, targetSide: Duplex): void {
    if (this.finished || this.sessionId === undefined) {
      userSide.destroy();
      targetSide.destroy();
      return;
    }
    const channel = ++this.seq;
    const openedAt = this.now();
    let toTarget = 0;
    let fromTarget = 0;
    userSide.on('data', (chunk: Buffer) => (toTarget += chunk.length));
    targetSide.on('data', (chunk: Buffer) => (fromTarget += chunk.length));
    userSide.pipe(targetSide).pipe(userSide);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.channels.delete(close);
      userSide.destroy();
      targetSide.destroy();
      this.report({
        phase: 'close',
        channel,
        kind,
        destination,
        origin,
        bytesToTarget: toTarget,
        bytesFromTarget: fromTarget,
        durationMs: Math.max(0, this.now() - openedAt),
      });
    };
    this.channels.add(close);
    userSide.once('close', close);
    targetSide.once('close', close);
    userSide.on('error', close);
    targetSide.on('error', close);
    this.report({ phase: 'open', channel, kind, destination, origin });
  }

  /** A -R listener now exists on the target at `bind` (`addr:port`). */
  listening(bind: string): void {
    if (this.finished || this.sessionId === undefined || this.listeners.has(bind)) return;
    const channel = ++this.seq;
    this.listeners.set(bind, { channel, openedAt: this.now() });
    this.report({ phase: 'open', channel, kind: 'tcpip-forward', destination: bind });
  }

  /** The -R listener at `bind` was cancelled (or the session is ending). */
  stoppedListening(bind: string): void {
    const listener = this.listeners.get(bind);
    if (!listener) return;
    this.listeners.delete(bind);
    this.report({
      phase: 'close',
      channel: listener.channel,
      kind: 'tcpip-forward',
      destination: bind,
      durationMs: Math.max(0, this.now() - listener.openedAt),
    });
  }

  /** Ends the session as 'terminated' with `reason`: channels closed, then the connection. */
  terminate(reason: string): void {
    if (this.finished) return;
    this.finish({ reason: 'terminated', message: reason });
    this.ctx.terminateConnection(reason);
  }

  /** The connection is closing: the tunnel ends with it. */
  connectionClosed(info: JumpSessionEndInfo = { reason: 'ended', message: 'the connection closed' }): void {
    this.finish(info);
  }

  private async register(): Promise<boolean> {
    const { ctx } = this;
    const info: JumpSessionStartInfo = {
      user: ctx.user,
      target: ctx.target,
      clientIp: ctx.clientIp,
      clientPort: ctx.clientPort,
      cols: 0,
      rows: 0,
      term: '',
      pty: false,
      kind: 'forward',
      command: FORWARD_SESSION_COMMAND,
    };
    let sessionId: string;
    try {
      ({ sessionId } = await ctx.ports.sessionStarted(info));
    } catch (err) {
      ctx.logger?.error(`sessionStarted (forward) failed for ${ctx.user.username}@${ctx.target.name}: ${errorMessage(err)}`);
      this.registering = undefined; // a later channel may try again
      return false;
    }
    this.sessionId = sessionId;
    if (this.finished) {
      // The connection closed while the registry was being told: end what was just opened.
      this.reportEnd();
      return false;
    }
    ctx.opened(this);
    return true;
  }

  private finish(info: JumpSessionEndInfo): void {
    if (this.finished) return;
    this.finished = true;
    this.endInfo = info;
    for (const close of [...this.channels]) close();
    for (const bind of [...this.listeners.keys()]) this.stoppedListening(bind);
    if (this.sessionId !== undefined) {
      this.ctx.closed(this);
      this.reportEnd();
    }
    // Otherwise register() is in flight (or never ran) and reports the end itself if needed.
  }

  private reportEnd(): void {
    const { ctx } = this;
    const id = this.sessionId!;
    ctx.ports.sessionEnded(id, this.endInfo!).catch((err: unknown) =>
      ctx.logger?.error(`sessionEnded failed for forward session ${id}: ${errorMessage(err)}`),
    );
  }

  private report(event: Omit<JumpForwardEvent, 'username'>): void {
    const { ctx } = this;
    const id = this.sessionId!;
    const reported = ctx.ports.forwardChannel?.(id, { ...event, username: ctx.user.username });
    reported?.catch((err: unknown) =>
      ctx.logger?.error(`forward channel report failed for session ${id}: ${errorMessage(err)}`),
    );
  }
}
