import type { Terminal } from '@xterm/xterm';
import { resetInOrder, resizeInOrder } from '../terminal/create-terminal';
import { eventsUntil, type Cast } from './asciicast';

/**
 * Plays a cast into an xterm.js terminal: forward in small steps while playing, and seeking back
 * by resetting and replaying everything up to the chosen time in one write.
 */
export class CastPlayback {
  /** events [0, next) have been written */
  private next = 0;
  private started = false;
  position = 0;

  constructor(
    private readonly terminal: Terminal,
    private readonly cast: Cast,
  ) {}

  get duration(): number {
    return this.cast.duration;
  }

  /** Shows the screen as it was at `time` seconds; `done` once it is parsed. */
  seek(time: number, done?: () => void): void {
    const target = clamp(time, 0, this.cast.duration);
    if (!this.started || target < this.position) {
      resetInOrder(this.terminal, this.cast.cols, this.cast.rows, '');
      this.next = 0;
      this.started = true;
    }
    this.advance(target, done);
  }

  /** Writes the events after the current position up to `time`. */
  advance(time: number, done?: () => void): void {
    if (!this.started) return this.seek(time, done);
    const target = clamp(time, 0, this.cast.duration);
    const end = eventsUntil(this.cast, target);
    let chunk = '';
    for (; this.next < end; this.next++) {
      const event = this.cast.events[this.next];
      if (event.kind === 'output') chunk += event.data;
      else {
        if (chunk) this.terminal.write(chunk);
        chunk = '';
        resizeInOrder(this.terminal, event.cols, event.rows);
      }
    }
    // a player always shows the latest lines, however far the replay scrolled
    this.terminal.write(chunk, () => {
      this.terminal.scrollToBottom();
      done?.();
    });
    this.position = target;
  }
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
