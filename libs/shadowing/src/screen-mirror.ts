import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { TerminalChunk, Utf8StreamDecoder } from './utf8-stream-decoder';

export interface ScreenMirrorOptions {
  /** Lines kept above the visible screen and included in snapshots. Default 1000. */
  scrollback?: number;
  /**
   * Most output (UTF-16 code units, ≈ bytes for terminal text) allowed to wait for the parser
   * before the backlog is dropped and the mirror resynchronises. Default 8 MiB.
   */
  maxPendingChars?: number;
  /** How much of the most recent output is replayed after a resync. Default 256 KiB. */
  resyncTailChars?: number;
  /**
   * Output faster than this (UTF-16 code units per second) is a flood (`cat` of a big file): the
   * mirror stops parsing and keeps only the recent tail until the flood ends or a snapshot is
   * asked for, so it costs the relay no CPU. Default 4 Mi/s, far above interactive use.
   */
  floodCharsPerSecond?: number;
  /** A flood ends after this long without output. Default 100 ms. */
  floodQuietMs?: number;
  /** How much output is handed to xterm at once; the rest waits in our own, droppable queue. Default 64 KiB. */
  maxInFlightChars?: number;
}

export interface ScreenSnapshot {
  cols: number;
  rows: number;
  /** Escape sequences that rebuild the screen (and scrollback) when written into a terminal of `cols`×`rows`. */
  screen: string;
}

/** Sizes outside this range are clamped: a client must not be able to make us allocate a giant grid. */
export const MAX_MIRROR_COLS = 1000;
export const MAX_MIRROR_ROWS = 500;
const FALLBACK_COLS = 80;
const FALLBACK_ROWS = 24;

const DEFAULTS = {
  scrollback: 1000,
  maxPendingChars: 8 * 1024 * 1024,
  resyncTailChars: 256 * 1024,
  maxInFlightChars: 64 * 1024,
  floodCharsPerSecond: 4 * 1024 * 1024,
  floodQuietMs: 100,
};

/** While flooded, the queue is trimmed back to the tail once it holds this many tails. */
const FLOOD_TRIM_FACTOR = 8;

/** Output rate is measured over windows this long. */
const RATE_WINDOW_MS = 100;

/** How far into the replayed tail we look for a clean place to start (see `cleanTailStart`). */
const TAIL_ALIGN_WINDOW = 1024;

type QueuedStep =
  | { kind: 'text'; text: string }
  | { kind: 'resize'; cols: number; rows: number }
  | { kind: 'reset' }
  | { kind: 'snapshot'; resolve: (snapshot: ScreenSnapshot) => void; reject: (error: Error) => void };

/**
 * A server-side terminal per SSH session, so a viewer who joins mid-session is sent the exact
 * current screen (as escape sequences) instead of a tail of raw bytes that starts mid-frame.
 *
 * Output is parsed by @xterm/headless, which is far slower (~30 MB/s) than the SSH relay
 * (~270 MB/s). `write` therefore only appends to a queue of our own and returns; a small window
 * of it is fed to xterm at a time. Steps that must see every earlier byte parsed (resize,
 * snapshot) wait in the same queue, so they apply in stream order.
 *
 * Lag trade-off: if the backlog waiting for the parser exceeds `maxPendingChars`, the mirror
 * drops it, keeps only the most recent `resyncTailChars`, resets its terminal and replays that
 * tail. Memory stays bounded and the mirror catches up, at the price of an approximate screen
 * right after a resync: modes, colours and alternate-screen state set by the dropped output are
 * lost until the program redraws. Output that fast is almost always bulk text (`cat`, logs),
 * whose last 256 KiB fills the screen on its own, so in practice the snapshot looks right. The
 * session itself is unaffected: this is only the viewers' copy. `resyncCount` counts these events.
 */
export class ScreenMirror {
  private readonly terminal: Terminal;
  private readonly serializer = new SerializeAddon();
  private readonly decoder = new Utf8StreamDecoder();
  private readonly options: Required<ScreenMirrorOptions>;
  private queue: QueuedStep[] = [];
  private queuedChars = 0;
  private inFlightChars = 0;
  private pumping = false;
  private disposed = false;
  private latestCols: number;
  private latestRows: number;
  private resyncs = 0;
  private dropped = 0;
  private flooding = false;
  private floods = 0;
  private floodTimer?: NodeJS.Timeout;
  private rateWindowStart = 0;
  private rateWindowChars = 0;

  constructor(cols: number, rows: number, options: ScreenMirrorOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    const { scrollback, maxPendingChars, resyncTailChars, maxInFlightChars } = this.options;
    if (!Number.isInteger(scrollback) || scrollback < 0) throw new RangeError('scrollback must be a non-negative integer');
    // The in-flight window needs room for at least a whole surrogate pair.
    if (!Number.isInteger(maxInFlightChars) || maxInFlightChars < 2) throw new RangeError('maxInFlightChars must be an integer ≥ 2');
    if (!Number.isInteger(resyncTailChars) || resyncTailChars < 0) throw new RangeError('resyncTailChars must be a non-negative integer');
    if (resyncTailChars + maxInFlightChars > maxPendingChars) {
      // Otherwise a resync could leave more pending than the bound it exists to enforce.
      throw new RangeError('resyncTailChars + maxInFlightChars must not exceed maxPendingChars');
    }
    this.latestCols = clampSize(cols, MAX_MIRROR_COLS) ?? FALLBACK_COLS;
    this.latestRows = clampSize(rows, MAX_MIRROR_ROWS) ?? FALLBACK_ROWS;
    this.terminal = new Terminal({
      cols: this.latestCols,
      rows: this.latestRows,
      scrollback: this.options.scrollback,
      // The serialize addon reads the buffer through xterm's proposed API.
      allowProposedApi: true,
    });
    this.terminal.loadAddon(this.serializer);
  }

  /** Size the next snapshot will report (the latest requested, even if not yet applied). */
  get cols(): number {
    return this.latestCols;
  }

  get rows(): number {
    return this.latestRows;
  }

  /** Output accepted but not yet parsed, in UTF-16 code units. Never exceeds `maxPendingChars` after a call returns. */
  get pendingChars(): number {
    return this.queuedChars + this.inFlightChars;
  }

  /** How many times the backlog was dropped because the parser fell too far behind. */
  get resyncCount(): number {
    return this.resyncs;
  }

  /** Total output discarded by resyncs, in UTF-16 code units. */
  get droppedChars(): number {
    return this.dropped;
  }

  /** Queues session output. Returns at once: parsing happens later, off the caller's path. */
  write(data: TerminalChunk): void {
    if (this.disposed) return;
    const text = this.decoder.decode(data);
    if (text.length === 0) return;
    this.enqueueText(text);
    if (this.detectFlood(text.length)) {
      // Parse nothing while flooded; keep only what a resync would replay (trimmed in large steps:
      // each trim copies the tail).
      const { resyncTailChars, maxPendingChars } = this.options;
      if (this.pendingChars > Math.min(FLOOD_TRIM_FACTOR * resyncTailChars, maxPendingChars)) this.resync();
      return;
    }
    if (this.pendingChars > this.options.maxPendingChars) this.resync();
    this.pump();
  }

  /** True while output arrives faster than the flood rate; re-arms the quiet timer. */
  private detectFlood(chars: number): boolean {
    const now = performance.now();
    if (now - this.rateWindowStart > RATE_WINDOW_MS) {
      this.rateWindowStart = now;
      this.rateWindowChars = 0;
    }
    this.rateWindowChars += chars;
    if (!this.flooding && this.rateWindowChars > (this.options.floodCharsPerSecond * RATE_WINDOW_MS) / 1000) {
      this.flooding = true;
      this.floods += 1;
    }
    if (this.flooding) {
      clearTimeout(this.floodTimer);
      this.floodTimer = setTimeout(() => this.endFlood(), this.options.floodQuietMs);
      this.floodTimer.unref?.();
    }
    return this.flooding;
  }

  private endFlood(): void {
    if (!this.flooding || this.disposed) return;
    this.flooding = false;
    clearTimeout(this.floodTimer);
    // Start from a clean terminal and the tail: what was parsed before the flood is stale.
    if (this.queuedChars > 0) this.resync();
    this.pump();
  }

  /** How many floods the mirror has skipped through. */
  get floodCount(): number {
    return this.floods;
  }

  /**
   * Applies a window change in stream order. Sizes that are not positive integers are ignored
   * (returns false); oversized ones are clamped.
   */
  resize(cols: number, rows: number): boolean {
    if (this.disposed) return false;
    const safeCols = clampSize(cols, MAX_MIRROR_COLS);
    const safeRows = clampSize(rows, MAX_MIRROR_ROWS);
    if (safeCols === undefined || safeRows === undefined) return false;
    this.latestCols = safeCols;
    this.latestRows = safeRows;
    this.queue.push({ kind: 'resize', cols: safeCols, rows: safeRows });
    this.pump();
    return true;
  }

  /** The screen after everything written before this call has been parsed. Rejects if the mirror is disposed first. */
  snapshot(): Promise<ScreenSnapshot> {
    if (this.disposed) return Promise.reject(new Error('ScreenMirror is disposed'));
    return new Promise<ScreenSnapshot>((resolve, reject) => {
      // A viewer needs a screen now: catch up from the tail even mid-flood (a few ms of parsing).
      if (this.flooding) {
        this.flooding = false;
        clearTimeout(this.floodTimer);
        if (this.queuedChars > 0) this.resync();
      }
      this.queue.push({ kind: 'snapshot', resolve, reject });
      this.pump();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.floodTimer);
    const waiting = this.queue.filter((step) => step.kind === 'snapshot');
    this.queue = [];
    this.queuedChars = 0;
    this.inFlightChars = 0;
    this.terminal.dispose();
    for (const step of waiting) step.reject(new Error('ScreenMirror is disposed'));
  }

  private enqueueText(text: string): void {
    this.queuedChars += text.length;
    // Merge small writes so xterm gets a few large chunks instead of thousands of tiny ones.
    const last = this.queue[this.queue.length - 1];
    if (last?.kind === 'text' && last.text.length < this.options.maxInFlightChars) {
      last.text += text;
    } else {
      this.queue.push({ kind: 'text', text });
    }
  }

  /** Hands queued steps to xterm while the in-flight window has room. */
  private pump(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const step = this.queue[0];
        if (step.kind === 'text') {
          // During a flood the text waits: endFlood replays its tail from here.
          if (this.flooding || !this.feed(step)) break;
          continue;
        }
        // Everything queued before this step must be parsed before it may run.
        if (this.inFlightChars > 0) break;
        this.queue.shift();
        this.apply(step);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Moves as much of a text step into xterm as the window allows. False when the window is full. */
  private feed(step: { kind: 'text'; text: string }): boolean {
    const room = this.options.maxInFlightChars - this.inFlightChars;
    let take = Math.min(room, step.text.length);
    // Never split a surrogate pair between two xterm writes.
    if (take < step.text.length && take > 0 && isHighSurrogate(step.text.charCodeAt(take - 1))) take -= 1;
    if (take <= 0) return false;
    const chunk = step.text.slice(0, take);
    if (take === step.text.length) this.queue.shift();
    else step.text = step.text.slice(take);
    this.queuedChars -= take;
    this.inFlightChars += take;
    this.terminal.write(chunk, () => this.parsed(take));
    return true;
  }

  private parsed(chars: number): void {
    if (this.disposed) return;
    this.inFlightChars -= chars;
    this.pump();
  }

  private apply(step: Exclude<QueuedStep, { kind: 'text' }>): void {
    switch (step.kind) {
      case 'resize':
        this.terminal.resize(step.cols, step.rows);
        return;
      case 'reset':
        this.terminal.reset();
        return;
      case 'snapshot':
        step.resolve({ cols: this.terminal.cols, rows: this.terminal.rows, screen: this.serializer.serialize() });
        return;
    }
  }

  /**
   * Drops the queued backlog (what is already inside xterm is small and cannot be recalled) and
   * replaces it with: reset, the latest size, the recent tail, then any snapshots still waiting,
   * which will now describe the resynchronised screen.
   */
  private resync(): void {
    const tail = this.queuedTail(this.options.resyncTailChars);
    let latestResize: QueuedStep | undefined;
    const waitingSnapshots: QueuedStep[] = [];
    for (const step of this.queue) {
      if (step.kind === 'resize') latestResize = step;
      else if (step.kind === 'snapshot') waitingSnapshots.push(step);
    }
    this.dropped += this.queuedChars - tail.length;
    this.queue = [{ kind: 'reset' }];
    if (latestResize) this.queue.push(latestResize);
    if (tail.length > 0) this.queue.push({ kind: 'text', text: tail });
    this.queue.push(...waitingSnapshots);
    this.queuedChars = tail.length;
    this.resyncs += 1;
  }

  /** The last `limit` queued characters, joined without flattening the whole backlog. */
  private queuedTail(limit: number): string {
    const parts: string[] = [];
    let length = 0;
    for (let i = this.queue.length - 1; i >= 0 && length < limit; i--) {
      const step = this.queue[i];
      if (step.kind !== 'text') continue;
      const part = step.text.length > limit - length ? step.text.slice(step.text.length - (limit - length)) : step.text;
      parts.push(part);
      length += part.length;
    }
    const tail = parts.reverse().join('');
    return tail.slice(cleanTailStart(tail));
  }
}

/**
 * Where to start replaying a tail that was cut at an arbitrary point. Starting mid escape
 * sequence would print its remains as text, so prefer the first newline or ESC near the start:
 * after either the parser is back in its ground state. Also never start on half a surrogate pair.
 */
function cleanTailStart(tail: string): number {
  const window = Math.min(tail.length, TAIL_ALIGN_WINDOW);
  for (let i = 0; i < window; i++) {
    const code = tail.charCodeAt(i);
    if (code === 0x0a) return i + 1;
    if (code === 0x1b) return i;
  }
  return tail.length > 0 && isLowSurrogate(tail.charCodeAt(0)) ? 1 : 0;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function clampSize(value: number, max: number): number | undefined {
  if (!Number.isInteger(value) || value < 1) return undefined;
  return Math.min(value, max);
}

/** Lets callers pass `{ scrollback: undefined }` without overriding a default with undefined. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
