import type { ClientChannel } from 'ssh2';
import { cutWhenDelivered } from './delivery-deadline';
import { systemJumpClock, type JumpClock } from './jump-clock';
import type { JumpLogger, JumpSessionEndInfo, JumpSessionStartInfo, JumpUser, JumpTarget } from './jump-ports';
import { ListenerSet } from './listener-set';
import { terminalNotice } from './terminal-text';
import type { UserChannel } from './user-channel';

export type OutputStream = 'stdout' | 'stderr';
export type OutputListener = (chunk: Buffer, stream: OutputStream) => void;
export type InputListener = (chunk: Buffer) => void;
export type ResizeListener = (cols: number, rows: number) => void;
export type EndListener = (info: JumpSessionEndInfo) => void;
/** ssh2's `exit` event arguments: a code, or (null and) a signal with its core-dump flag and text. */
export type ExitStatus = [code: number | null, signal?: string, dump?: boolean, desc?: string];
/** What the target's channel reported before the relay started. */
export interface EarlyUpstreamEnd {
  exit?: ExitStatus;
  closed?: boolean;
}

/** What the relay needs from its owner; kept narrow so the session is testable on its own. */
export interface LiveSessionHooks {
  logger?: JumpLogger;
  /** Ends the user's whole SSH connection (used by terminate()). */
  closeConnection(): void;
  /** Called once, after the user's channel has been told how the session ended. */
  ended(info: JumpSessionEndInfo): void;
  /** epoch ms; injected for tests (default Date.now) */
  now?: () => number;
  /** timers of the cut after Vigil ended the session (default: the system clock) */
  clock?: JumpClock;
}

/** A paused user who keeps typing is reminded, at most this often, that their keys are dropped. */
export const PAUSED_REMINDER_MS = 5_000;
export const PAUSED_REMINDER = '[Vigil] Your keyboard is paused by a viewer: what you type is not sent to the target until it is resumed.';

/** How long terminate() lets the notice flush before cutting the connection (brief: < 1 s). */
const TERMINATE_GRACE_MS = 300;

/**
 * One running shell/exec relayed between the user's channel and the target's channel, and the
 * handle the gateway uses to watch and steer it. The gateway is never in the data path: bytes
 * move stream-to-stream with backpressure, and taps are told about each chunk after it has been
 * handed to the other side. Taps must be cheap and synchronous; heavy consumers should queue.
 */
export class LiveSshSession {
  readonly startedAt = new Date();
  private readonly output: ListenerSet<Buffer, OutputStream>;
  private readonly input: ListenerSet<Buffer>;
  private readonly resizes: ListenerSet<number, number>;
  private readonly ends: ListenerSet<JumpSessionEndInfo>;
  private _cols: number;
  private _rows: number;
  private paused = false;
  private upstreamEnded = false;
  private upstreamErrEnded = false;
  private upstreamClosed = false;
  private finished = false;
  private terminatedWith: string | undefined;
  /** set by fail(): Vigil itself ends the session (e.g. its recording failed on a strict target) */
  private failedWith: string | undefined;
  private userHungUp = false;
  private remindedAt = -Infinity;
  private exitCode: number | undefined;
  private exitSignal: { name: string; dump: boolean; desc: string } | undefined;
  private endInfo: JumpSessionEndInfo | undefined;

  constructor(
    readonly id: string,
    readonly info: JumpSessionStartInfo,
    private readonly user: UserChannel,
    private readonly upstream: ClientChannel,
    private readonly hooks: LiveSessionHooks,
  ) {
    const onTapError = (err: unknown): void =>
      hooks.logger?.error(`session ${id}: a tap listener threw: ${err instanceof Error ? err.message : String(err)}`);
    this.output = new ListenerSet(onTapError);
    this.input = new ListenerSet(onTapError);
    this.resizes = new ListenerSet(onTapError);
    this.ends = new ListenerSet(onTapError);
    this._cols = info.cols;
    this._rows = info.rows;
  }

  get userName(): string {
    return this.info.user.username;
  }
  get jumpUser(): JumpUser {
    return this.info.user;
  }
  get target(): JumpTarget {
    return this.info.target;
  }
  get cols(): number {
    return this._cols;
  }
  get rows(): number {
    return this._rows;
  }
  get userInputPaused(): boolean {
    return this.paused;
  }
  get ended(): boolean {
    return this.finished;
  }
  /** Set once the session has ended. */
  get result(): JumpSessionEndInfo | undefined {
    return this.endInfo;
  }

  /** Each chunk the target sent, after it was written to the user. Returns an unsubscribe. */
  onOutput(listener: OutputListener): () => void {
    return this.output.add(listener);
  }
  /** Each chunk the user typed that was forwarded (not while paused; not injected input). */
  onInput(listener: InputListener): () => void {
    return this.input.add(listener);
  }
  onResize(listener: ResizeListener): () => void {
    return this.resizes.add(listener);
  }
  onEnd(listener: EndListener): () => void {
    if (this.endInfo) {
      const info = this.endInfo;
      queueMicrotask(() => listener(info));
      return () => undefined;
    }
    return this.ends.add(listener);
  }

  /** Types into the target as if the user had (e.g. a shadowing admin). */
  injectInput(data: string | Buffer): boolean {
    if (this.finished || !this.upstream.writable) return false;
    this.upstream.write(data);
    return true;
  }

  /** While paused, the user's keystrokes are dropped (not queued) before reaching the target. */
  setUserInputPaused(paused: boolean): void {
    this.paused = paused;
    this.remindedAt = -Infinity;
  }

  /** Dropped keys must not vanish silently: the user is told, without a line per keystroke. */
  private remindPaused(): void {
    const now = (this.hooks.now ?? Date.now)();
    if (now - this.remindedAt < PAUSED_REMINDER_MS) return;
    this.remindedAt = now;
    this.notifyUser(PAUSED_REMINDER);
  }

  /** Writes one line to the user's terminal (stderr without a PTY, so piped stdout stays clean). */
  notifyUser(line: string): void {
    if (this.finished) return;
    // Sanitised: the line may carry an admin's or a viewer's words (see terminal-text.ts).
    const text = terminalNotice(line, this.info.pty);
    if (this.info.pty) this.user.write(text);
    else this.user.stderr.write(text);
  }

  /** Shows `reason` to the user, ends the session as 'terminated' and closes their connection. */
  terminate(reason: string): void {
    if (this.finished || this.stopping) return;
    this.terminatedWith = reason;
    this.stop(reason);
  }

  /**
   * Vigil cannot keep the session going (its recording failed and the target requires one): shows
   * `message` to the user and ends the session as 'failed' with it, closing the connection.
   */
  fail(message: string): void {
    if (this.finished || this.stopping) return;
    this.failedWith = message;
    this.stop(message);
  }

  private get stopping(): boolean {
    return this.terminatedWith !== undefined || this.failedWith !== undefined;
  }

  private stop(notice: string): void {
    // The notice is the last thing the user reads: what the target prints from now on is dropped
    // (and so not recorded nor mirrored), and a target held by the user's full window is let go.
    this.upstream.resume();
    this.upstream.stderr.resume();
    this.notifyUser(`[Vigil] ${notice}`);
    this.upstream.close();
    // Do not wait for the target to confirm the close: the promise to the admin is "within 1 s".
    setTimeout(() => this.finish(), TERMINATE_GRACE_MS).unref();
  }

  /** @internal relay: the user resized their terminal. */
  resize(cols: number, rows: number, height: number, width: number): void {
    this._cols = cols;
    this._rows = rows;
    this.upstream.setWindow(rows, cols, height, width);
    this.resizes.emit(cols, rows);
  }

  /** @internal relay: the user sent a signal. */
  signal(name: string): void {
    try {
      this.upstream.signal(name);
    } catch (err) {
      this.hooks.logger?.warn(`session ${this.id}: signal ${name} not forwarded: ${(err as Error).message}`);
    }
  }

  /**
   * @internal relay: starts moving bytes. Called after the gateway had its chance to attach taps.
   * `early` is what the target's channel reported before (the relay watched it meanwhile): a quick
   * command may exit, and its channel close, while the session is still being registered.
   */
  start(early: EarlyUpstreamEnd = {}): void {
    const { user, upstream } = this;
    const userErr = user.stderr;
    const upErr = upstream.stderr;

    // target → user, stdout. Same contract as stream.pipe, plus the tap after the write.
    let upPaused = false;
    const resumeUp = (): void => {
      upPaused = false;
      upstream.resume();
    };
    upstream.on('data', (chunk: Buffer) => {
      if (this.stopping) return;
      if (!user.write(chunk) && !upPaused) {
        upPaused = true;
        upstream.pause();
        user.once('drain', resumeUp);
      }
      this.output.emit(chunk, 'stdout');
    });

    // target → user, stderr (its own window/buffer on both sides).
    let errPaused = false;
    const resumeErr = (): void => {
      errPaused = false;
      upErr.resume();
    };
    upErr.on('data', (chunk: Buffer) => {
      if (this.stopping) return;
      if (!userErr.write(chunk) && !errPaused) {
        errPaused = true;
        upErr.pause();
        userErr.once('drain', resumeErr);
      }
      this.output.emit(chunk, 'stderr');
    });

    // user → target.
    let userPaused = false;
    const resumeUser = (): void => {
      userPaused = false;
      user.resume();
    };
    user.on('data', (chunk: Buffer) => {
      if (this.paused) return this.remindPaused();
      if (!upstream.write(chunk) && !userPaused) {
        userPaused = true;
        user.pause();
        upstream.once('drain', resumeUser);
      }
      this.input.emit(chunk, undefined);
    });
    // EOF from the user (e.g. `echo x | ssh ...`) becomes EOF on the target's stdin.
    user.on('end', () => {
      if (upstream.writable) upstream.end();
    });

    upstream.on('exit', (...status: ExitStatus) => this.upstreamExited(...status));
    if (early.exit) this.upstreamExited(...early.exit);
    // Finish only once every byte has been read from both target streams and the channel closed,
    // so the tail of a large output is never cut off by an early close.
    upstream.once('end', () => {
      this.upstreamEnded = true;
      this.maybeFinish();
    });
    upErr.once('end', () => {
      this.upstreamErrEnded = true;
      this.maybeFinish();
    });
    const closed = (): void => {
      this.upstreamClosed = true;
      this.maybeFinish();
    };
    if (early.closed) this.upstreamClosed = true;
    else upstream.once('close', closed);
    upstream.on('error', (err: Error) => this.hooks.logger?.warn(`session ${this.id}: target channel error: ${err.message}`));
    user.on('error', (err: Error) => this.hooks.logger?.warn(`session ${this.id}: user channel error: ${err.message}`));
    // The user went away (or the whole connection dropped): tear the target side down too.
    user.once('close', () => {
      if (!this.finished) {
        this.userHungUp = true;
        upstream.close();
        this.finish();
      }
    });
  }

  private upstreamExited(code: number | null, signal?: string, dump?: boolean, desc?: string): void {
    if (typeof code === 'number') this.exitCode = code;
    else if (signal) this.exitSignal = { name: signal.replace(/^SIG/, ''), dump: !!dump, desc: desc ?? '' };
  }

  private maybeFinish(): void {
    if (this.upstreamClosed && this.upstreamEnded && this.upstreamErrEnded) this.finish();
  }

  /** Tells the user how it ended (exit status/signal), closes their channel, reports once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const info: JumpSessionEndInfo = this.terminatedWith !== undefined
      ? { reason: 'terminated', message: this.terminatedWith }
      : this.failedWith !== undefined
        ? { reason: 'failed', message: this.failedWith }
        : this.exitCode !== undefined || this.exitSignal
        ? { reason: 'ended' }
        : this.userHungUp
          ? { reason: 'ended', message: 'the user disconnected' }
          : { reason: 'failed', message: 'the target closed the channel without an exit status' };
    if (this.exitCode !== undefined) info.exitCode = this.exitCode;
    if (this.exitSignal) info.signal = this.exitSignal.name;
    this.endInfo = info;

    const closeUser = (): void => {
      try {
        if (this.exitCode !== undefined) this.user.exit(this.exitCode);
        else if (this.exitSignal) this.user.exit(this.exitSignal.name, this.exitSignal.dump, this.exitSignal.desc);
      } catch (err) {
        this.hooks.logger?.warn(`session ${this.id}: could not relay exit status: ${(err as Error).message}`);
      }
      // end() flushes buffered stdout, then ssh2 sends EOF + CLOSE.
      this.user.end();
    };
    // stderr has its own buffer; let it drain first so the last error lines are not lost.
    if (this.user.stderr.writableLength > 0) this.user.stderr.once('drain', closeUser);
    else closeUser();

    if (this.stopping) {
      // The notice must reach the user before the cut: cut once their channel has closed (its
      // buffers, notice included, were flushed), or once their client stops reading (see
      // delivery-deadline.ts). The session itself is over now either way.
      cutWhenDelivered(this.user, () => this.hooks.closeConnection(), { clock: this.hooks.clock ?? systemJumpClock });
    }
    this.ends.emit(info, undefined);
    this.hooks.ended(info);
    this.output.clear();
    this.input.clear();
    this.resizes.clear();
    this.ends.clear();
  }
}
