import { Duplex, Writable } from 'node:stream';
import type { UserChannel } from '@vigil/ssh-jump';

/** Where a browser terminal's bytes go: its socket, seen through what the relay needs of it. */
export interface DownstreamSink {
  /** One chunk of the target's output to the browser. */
  output(chunk: Buffer): void;
  /** Bytes the browser's transport has not sent yet. */
  backlog(): number;
  /** The relay closed the user's side; every chunk before this was handed to output(). */
  finished(): void;
}

export interface DownstreamOptions {
  /** Transport backlog above which the target is paused (as an SSH window would). Default 1 MiB. */
  highWaterMark?: number;
  /** Backlog at or below which it resumes. Default 64 KiB. */
  lowWaterMark?: number;
  /** How often a paused downstream looks at the backlog again. Default 20 ms. */
  pollMs?: number;
  /** Keystrokes held while the relay pauses reading (bytes); beyond, they are dropped. Default 64 KiB. */
  maxPendingInput?: number;
}

/**
 * The browser terminal as the relay's user channel (an ssh2 ServerChannel for the jump): output
 * goes to the socket, and while the browser's transport is backed up the write callbacks wait, so
 * LiveSshSession pauses the target, exactly as a full SSH window does for a jump user. Unlike a
 * viewer (who is skipped and resynchronised), the user gets every byte, only slower.
 */
export class SocketDownstream extends Duplex implements UserChannel {
  readonly stderr: Writable;
  private readonly high: number;
  private readonly low: number;
  private readonly pollMs: number;
  private readonly maxPendingInput: number;
  private readonly waiting = new Set<NodeJS.Timeout>();

  constructor(private readonly sink: DownstreamSink, options: DownstreamOptions = {}) {
    super({ allowHalfOpen: true });
    this.high = options.highWaterMark ?? 1024 * 1024;
    this.low = options.lowWaterMark ?? 64 * 1024;
    this.pollMs = options.pollMs ?? 20;
    this.maxPendingInput = options.maxPendingInput ?? 64 * 1024;
    // A browser terminal has one screen: stderr is shown in line with stdout, as a PTY would.
    this.stderr = new Writable({ write: (chunk: Buffer, _enc, done) => this.deliver(chunk, done) });
  }

  exit(code: number): void;
  exit(signal: string, coreDumped: boolean, errorMessage: string): void;
  exit(): void {
    // the relay reports the exit status with the session's end (JumpSessionEndInfo); nothing to send here
  }

  /** What the user typed, towards the target; false when dropped (the relay is not reading). */
  type(data: Buffer): boolean {
    if (this.destroyed || this.readableEnded) return false;
    if (this.readableLength + data.length > this.maxPendingInput) return false;
    this.push(data);
    return true;
  }

  /** The browser went away: the relay ends the session as the user's hang-up. */
  hangUp(): void {
    this.destroy();
  }

  override _read(): void {
    // input is pushed by type(); nothing to pull
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.deliver(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.sink.finished();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    for (const timer of this.waiting) clearTimeout(timer);
    this.waiting.clear();
    done(error);
  }

  private deliver(chunk: Buffer, done: () => void): void {
    if (this.destroyed) return done();
    this.sink.output(chunk);
    if (this.sink.backlog() < this.high) return done();
    // Backed up: hold the callback (so the relay's writes report a full buffer) until it drains.
    const check = (): void => {
      this.waiting.delete(timer);
      if (this.destroyed || this.sink.backlog() <= this.low) return done();
      timer = setTimeout(check, this.pollMs).unref();
      this.waiting.add(timer);
    };
    let timer = setTimeout(check, this.pollMs).unref();
    this.waiting.add(timer);
  }
}
