import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { isFastPathAvailable, serializeWithFallback } from './screen-serializer';
import { Utf8Decode, Utf8Framer, boundaryAtOrBefore, decodeUtf8, leadingContinuationBytes } from './utf8-framer';
import type { TerminalChunk } from './utf8-stream-decoder';

export interface ScreenMirrorOptions {
  /** Lines kept above the visible screen and included in snapshots. Default 1000. */
  scrollback?: number;
  /**
   * Most output (bytes) allowed to wait for the parser before the backlog is dropped and the
   * mirror resynchronises. Default 8 MiB.
   */
  maxPendingBytes?: number;
  /** How much of the most recent output (bytes) is replayed after a resync. Default 256 KiB. */
  resyncTailBytes?: number;
  /**
   * Output faster than this (bytes per second) is a flood (`cat` of a big file): the mirror stops
   * parsing and keeps only the recent tail, as raw bytes, until the flood ends or a snapshot is
   * asked for, so it costs the relay no CPU. Default 4 MiB/s, far above interactive use.
   */
  floodBytesPerSecond?: number;
  /** A flood ends after this long without output. Default 100 ms. */
  floodQuietMs?: number;
  /**
   * How much output (bytes, ≥ 4) is handed to xterm at once; the rest waits in our own, droppable
   * queue. Default 16 KiB: what xterm holds cannot be recalled when a flood is detected, and 16 KiB
   * of random bytes is ~15 ms of parsing on the relay's thread (64 KiB was ~60 ms, twice per flood).
   */
  maxInFlightBytes?: number;
  /** Decodes the bytes handed to xterm; injectable so tests can see what gets decoded. Default UTF-8 (U+FFFD for invalid bytes). */
  decode?: Utf8Decode;
}

export interface ScreenSnapshot {
  cols: number;
  rows: number;
  /** Escape sequences that rebuild the screen (and scrollback) when written into a terminal of `cols`×`rows`. */
  screen: string;
}

export interface SnapshotOptions {
  /** Lines above the visible screen to include (non-negative integer); all by default. */
  scrollback?: number;
  /**
   * Asked mid-flood, the screen is rebuilt from this much of the most recent output (bytes; at
   * most, and by default, `resyncTailBytes`). Every byte replayed is parsed on the relay's thread
   * (xterm takes ~1 ms per KiB of random bytes), so the periodic screens of a flood ask for a
   * short tail; a join keeps the default, for its scrollback.
   */
  floodTailBytes?: number;
}

/** Sizes outside this range are clamped: a client must not be able to make us allocate a giant grid. */
export const MAX_MIRROR_COLS = 1000;
export const MAX_MIRROR_ROWS = 500;
const FALLBACK_COLS = 80;
const FALLBACK_ROWS = 24;

const DEFAULTS = {
  scrollback: 1000,
  maxPendingBytes: 8 * 1024 * 1024,
  resyncTailBytes: 256 * 1024,
  maxInFlightBytes: 16 * 1024,
  floodBytesPerSecond: 4 * 1024 * 1024,
  floodQuietMs: 100,
  decode: decodeUtf8,
};

/**
 * While flooded, the queue is trimmed back to the tail once it holds this many tails. Trimming
 * only drops references to queued chunks (no copy), so it can be frequent and the chunks a flood
 * keeps alive few.
 */
const FLOOD_TRIM_FACTOR = 2;

/** Output rate is measured over windows this long. */
const RATE_WINDOW_MS = 100;

/** How far into the replayed tail we look for a clean place to start (see `cleanTailStart`). */
const TAIL_ALIGN_WINDOW = 1024;

/** Snapshots kept per screen state: one per distinct `scrollback` asked for (a join's full one, a thumbnail's 0). */
const MAX_CACHED_SNAPSHOTS = 4;

/** Queued output: framed byte pieces (each starts and ends on a character boundary), not yet decoded. */
interface TextStep {
  kind: 'text';
  pieces: Buffer[];
  bytes: number;
}

type QueuedStep =
  | TextStep
  | { kind: 'resize'; cols: number; rows: number }
  | { kind: 'reset' }
  | { kind: 'snapshot'; scrollback?: number; resolve: (snapshot: ScreenSnapshot) => void; reject: (error: Error) => void };

/**
 * A server-side terminal per SSH session, so a viewer who joins mid-session is sent the exact
 * current screen (as escape sequences) instead of a tail of raw bytes that starts mid-frame.
 *
 * Output is parsed by @xterm/headless, which is far slower (~30 MB/s) than the SSH relay
 * (~300 MB/s). `write` therefore only appends the chunk's bytes to a queue of our own and
 * returns; nothing is decoded there (a Utf8Framer keeps characters whole in O(1)). A small window
 * of the queue is decoded and fed to xterm at a time. Steps that must see every earlier byte
 * parsed (resize, snapshot) wait in the same queue, so they apply in stream order.
 *
 * Why decode ourselves rather than hand xterm the bytes: xterm's own UTF-8 decoder drops invalid
 * bytes, while viewers' terminals are sent text decoded with U+FFFD replacements; decoding both
 * the same way keeps a joining viewer's screen identical to a watching viewer's, binary output
 * included. Decoding is cheap next to parsing, and during a flood only the retained tail is ever
 * decoded.
 *
 * Lag trade-off: if the backlog waiting for the parser exceeds `maxPendingBytes`, the mirror
 * drops it, keeps only the most recent `resyncTailBytes`, resets its terminal and replays that
 * tail. Memory stays bounded and the mirror catches up, at the price of an approximate screen
 * right after a resync: modes, colours and alternate-screen state set by the dropped output are
 * lost until the program redraws. Output that fast is almost always bulk text (`cat`, logs),
 * whose last 256 KiB fills the screen on its own, so in practice the snapshot looks right. The
 * session itself is unaffected: this is only the viewers' copy. `resyncCount` counts these events.
 * (The queued pieces are views into the SSH channel's buffers; they may keep up to about twice
 * their counted size alive.)
 */
export class ScreenMirror {
  private readonly terminal: Terminal;
  private readonly serializer = new SerializeAddon();
  private readonly framer = new Utf8Framer();
  private readonly options: Required<ScreenMirrorOptions>;
  private queue: QueuedStep[] = [];
  private queuedBytes = 0;
  private inFlightBytes = 0;
  private pumping = false;
  private disposed = false;
  private latestCols: number;
  private latestRows: number;
  private resyncs = 0;
  private dropped = 0;
  private flooding = false;
  private floods = 0;
  private floodTimer?: NodeJS.Timeout;
  private lastWriteAt = 0;
  private rateWindowStart = 0;
  private rateWindowBytes = 0;
  private readonly enqueue = (piece: Buffer): void => this.enqueueBytes(piece);
  /**
   * Serialized screens of the terminal's current state, by `scrollback` asked for. Serializing a
   * full scrollback visits every cell (120×1,040: ~8 ms with the addon, ~3 ms with ours), most of
   * a join on an idle session; joins and thumbnails between two changes reuse it. Emptied by everything that changes the
   * terminal (a write handed to xterm, a resize, a reset), so it only holds memory while the
   * screen is still and never serves a stale screen.
   */
  private readonly serialized = new Map<number | 'all', string>();
  private serializations = 0;
  /** Our faster copy of the addon's serializer (screen-serializer.ts) can run on this xterm. */
  private readonly fastSerialize: boolean;

  constructor(cols: number, rows: number, options: ScreenMirrorOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    const { scrollback, maxPendingBytes, resyncTailBytes, maxInFlightBytes } = this.options;
    if (!Number.isInteger(scrollback) || scrollback < 0) throw new RangeError('scrollback must be a non-negative integer');
    // The in-flight window needs room for at least one whole character (4 bytes in UTF-8).
    if (!Number.isInteger(maxInFlightBytes) || maxInFlightBytes < 4) throw new RangeError('maxInFlightBytes must be an integer ≥ 4');
    if (!Number.isInteger(resyncTailBytes) || resyncTailBytes < 0) throw new RangeError('resyncTailBytes must be a non-negative integer');
    if (resyncTailBytes + maxInFlightBytes > maxPendingBytes) {
      // Otherwise a resync could leave more pending than the bound it exists to enforce.
      throw new RangeError('resyncTailBytes + maxInFlightBytes must not exceed maxPendingBytes');
    }
    this.latestCols = clampSize(cols, MAX_MIRROR_COLS) ?? FALLBACK_COLS;
    this.latestRows = clampSize(rows, MAX_MIRROR_ROWS) ?? FALLBACK_ROWS;
    this.terminal = new Terminal({
      cols: this.latestCols,
      rows: this.latestRows,
      scrollback: this.options.scrollback,
      // xterm logs every sequence it cannot parse, with its data, to the console: binary output
      // made that over half the parse time, and session bytes do not belong in the gateway's logs.
      logLevel: 'off',
      // The serialize addon reads the buffer through xterm's proposed API.
      allowProposedApi: true,
    });
    this.terminal.loadAddon(this.serializer);
    this.fastSerialize = isFastPathAvailable(this.terminal);
  }

  /** Size the next snapshot will report (the latest requested, even if not yet applied). */
  get cols(): number {
    return this.latestCols;
  }

  get rows(): number {
    return this.latestRows;
  }

  /** Output accepted but not yet parsed, in bytes. Never exceeds `maxPendingBytes` after a call returns. */
  get pendingBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  /** How many times the backlog was dropped because the parser fell too far behind. */
  get resyncCount(): number {
    return this.resyncs;
  }

  /** Total output discarded by resyncs, in bytes. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** How many snapshots were actually serialized (the others came from the cache of the unchanged screen). */
  get serializeCount(): number {
    return this.serializations;
  }

  /** Queues session output. Returns at once, without decoding: parsing happens later, off the caller's path. */
  write(data: TerminalChunk): void {
    if (this.disposed) return;
    const before = this.queuedBytes;
    this.framer.frame(data, this.enqueue);
    const added = this.queuedBytes - before;
    if (added === 0) return;
    if (this.detectFlood(added)) {
      // Parse nothing while flooded; keep only what a resync would replay.
      const { resyncTailBytes, maxPendingBytes } = this.options;
      if (this.pendingBytes > Math.min(FLOOD_TRIM_FACTOR * resyncTailBytes, maxPendingBytes)) this.resync();
      return;
    }
    if (this.pendingBytes > this.options.maxPendingBytes) this.resync();
    this.pump();
  }

  /** True while output arrives faster than the flood rate; notes the write for the quiet timer. */
  private detectFlood(bytes: number): boolean {
    const now = performance.now();
    this.lastWriteAt = now;
    if (now - this.rateWindowStart > RATE_WINDOW_MS) {
      this.rateWindowStart = now;
      this.rateWindowBytes = 0;
    }
    this.rateWindowBytes += bytes;
    if (!this.flooding && this.rateWindowBytes > (this.options.floodBytesPerSecond * RATE_WINDOW_MS) / 1000) {
      this.flooding = true;
      this.floods += 1;
      this.armQuietTimer(this.options.floodQuietMs);
    }
    return this.flooding;
  }

  /**
   * One timer per flood rather than one per chunk: when it fires it checks how long output has
   * actually been quiet and waits out the rest if needed.
   */
  private armQuietTimer(delayMs: number): void {
    clearTimeout(this.floodTimer);
    this.floodTimer = setTimeout(() => {
      const quietFor = performance.now() - this.lastWriteAt;
      if (quietFor < this.options.floodQuietMs) this.armQuietTimer(this.options.floodQuietMs - quietFor);
      else this.endFlood();
    }, delayMs);
    this.floodTimer.unref?.();
  }

  private endFlood(): void {
    if (!this.flooding || this.disposed) return;
    this.flooding = false;
    clearTimeout(this.floodTimer);
    // Start from a clean terminal and the tail: what was parsed before the flood is stale.
    if (this.queuedBytes > 0) this.resync();
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

  /**
   * The screen after everything written before this call has been parsed. Rejects if the mirror
   * is disposed first. `scrollback` limits how many lines above the screen are included (all by
   * default; 0 for just the visible screen, e.g. a thumbnail).
   */
  snapshot(options: SnapshotOptions = {}): Promise<ScreenSnapshot> {
    if (this.disposed) return Promise.reject(new Error('ScreenMirror is disposed'));
    return new Promise<ScreenSnapshot>((resolve, reject) => {
      // A viewer needs a screen now: catch up from the tail even mid-flood (a few ms of parsing).
      if (this.flooding) {
        this.flooding = false;
        clearTimeout(this.floodTimer);
        if (this.queuedBytes > 0) this.resync(floodTail(options.floodTailBytes, this.options.resyncTailBytes));
      }
      this.queue.push({ kind: 'snapshot', scrollback: options.scrollback, resolve, reject });
      this.pump();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.floodTimer);
    const waiting = this.queue.filter((step) => step.kind === 'snapshot');
    this.queue = [];
    this.queuedBytes = 0;
    this.inFlightBytes = 0;
    this.serialized.clear();
    this.terminal.dispose();
    for (const step of waiting) step.reject(new Error('ScreenMirror is disposed'));
  }

  private enqueueBytes(piece: Buffer): void {
    this.queuedBytes += piece.length;
    // Group small writes so xterm gets a few large chunks instead of thousands of tiny ones.
    const last = this.queue[this.queue.length - 1];
    if (last?.kind === 'text' && last.bytes < this.options.maxInFlightBytes) {
      last.pieces.push(piece);
      last.bytes += piece.length;
    } else {
      this.queue.push({ kind: 'text', pieces: [piece], bytes: piece.length });
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
          // During a flood the bytes wait: endFlood replays their tail from here.
          if (this.flooding || !this.feed(step)) break;
          continue;
        }
        // Everything queued before this step must be parsed before it may run.
        if (this.inFlightBytes > 0) break;
        this.queue.shift();
        this.apply(step);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Decodes as much of a text step as the window allows and gives it to xterm. False when the window is full. */
  private feed(step: TextStep): boolean {
    let room = this.options.maxInFlightBytes - this.inFlightBytes;
    const taken: Buffer[] = [];
    let take = 0;
    while (room > 0 && step.pieces.length > 0) {
      const piece = step.pieces[0];
      if (piece.length <= room) {
        step.pieces.shift();
        taken.push(piece);
        take += piece.length;
        room -= piece.length;
        continue;
      }
      // Never split a character between two xterm writes (each is decoded on its own).
      const cut = boundaryAtOrBefore(piece, room);
      if (cut > 0) {
        taken.push(piece.subarray(0, cut));
        step.pieces[0] = piece.subarray(cut);
        take += cut;
      }
      break;
    }
    if (take === 0) return false;
    step.bytes -= take;
    if (step.pieces.length === 0) this.queue.shift();
    this.queuedBytes -= take;
    this.inFlightBytes += take;
    // The terminal changes from here on; a snapshot only runs once this write is parsed.
    this.serialized.clear();
    const bytes = taken.length === 1 ? taken[0] : Buffer.concat(taken, take);
    this.terminal.write(this.options.decode(bytes), () => this.parsed(take));
    return true;
  }

  private parsed(bytes: number): void {
    if (this.disposed) return;
    this.inFlightBytes -= bytes;
    this.pump();
  }

  private apply(step: Exclude<QueuedStep, TextStep>): void {
    switch (step.kind) {
      case 'resize':
        this.serialized.clear();
        this.terminal.resize(step.cols, step.rows);
        return;
      case 'reset':
        this.serialized.clear();
        this.terminal.reset();
        return;
      case 'snapshot':
        step.resolve({ cols: this.terminal.cols, rows: this.terminal.rows, screen: this.serialize(step.scrollback) });
        return;
    }
  }

  /** The current terminal serialized, from the cache while nothing changed it since the last time. */
  private serialize(scrollback: number | undefined): string {
    const key = scrollback ?? 'all';
    const cached = this.serialized.get(key);
    if (cached !== undefined) return cached;
    const screen = serializeWithFallback(this.terminal, this.serializer, this.fastSerialize, scrollback);
    this.serializations += 1;
    if (this.serialized.size >= MAX_CACHED_SNAPSHOTS) this.serialized.clear();
    this.serialized.set(key, screen);
    return screen;
  }

  /**
   * Drops the queued backlog (what is already inside xterm is small and cannot be recalled) and
   * replaces it with: reset, the latest size, the recent tail, then any snapshots still waiting,
   * which will now describe the resynchronised screen. No byte is copied or decoded here.
   */
  private resync(tailBytes = this.options.resyncTailBytes): void {
    const tail = this.queuedTail(tailBytes);
    let latestResize: QueuedStep | undefined;
    const waitingSnapshots: QueuedStep[] = [];
    for (const step of this.queue) {
      if (step.kind === 'resize') latestResize = step;
      else if (step.kind === 'snapshot') waitingSnapshots.push(step);
    }
    this.dropped += this.queuedBytes - tail.bytes;
    this.queue = [{ kind: 'reset' }];
    if (latestResize) this.queue.push(latestResize);
    if (tail.bytes > 0) this.queue.push(tail);
    this.queue.push(...waitingSnapshots);
    this.queuedBytes = tail.bytes;
    this.resyncs += 1;
  }

  /** The last `limit` queued bytes, as views into the queued pieces, starting at a clean place. */
  private queuedTail(limit: number): TextStep {
    const pieces: Buffer[] = [];
    let bytes = 0;
    for (let i = this.queue.length - 1; i >= 0 && bytes < limit; i--) {
      const step = this.queue[i];
      if (step.kind !== 'text') continue;
      for (let j = step.pieces.length - 1; j >= 0 && bytes < limit; j--) {
        const piece = step.pieces[j];
        const part = piece.length > limit - bytes ? piece.subarray(piece.length - (limit - bytes)) : piece;
        pieces.push(part);
        bytes += part.length;
      }
    }
    pieces.reverse();
    let skip = cleanTailStart(pieces);
    while (skip > 0 && pieces.length > 0) {
      const first = pieces[0];
      if (first.length <= skip) {
        pieces.shift();
        skip -= first.length;
        bytes -= first.length;
      } else {
        pieces[0] = first.subarray(skip);
        bytes -= skip;
        skip = 0;
      }
    }
    return { kind: 'text', pieces, bytes };
  }
}

/**
 * How many bytes to skip at the start of a tail that was cut at an arbitrary point. Starting mid
 * escape sequence would print its remains as text, so prefer the first newline or ESC near the
 * start: after either the parser is back in its ground state (and both are ASCII, so never part
 * of a multibyte character). Otherwise skip the stray continuation bytes of a cut character.
 */
function cleanTailStart(pieces: Buffer[]): number {
  let offset = 0;
  for (const piece of pieces) {
    const window = Math.min(piece.length, TAIL_ALIGN_WINDOW - offset);
    for (let i = 0; i < window; i++) {
      const byte = piece[i];
      if (byte === 0x0a) return offset + i + 1;
      if (byte === 0x1b) return offset + i;
    }
    offset += window;
    if (offset >= TAIL_ALIGN_WINDOW) break;
  }
  return pieces.length > 0 ? leadingContinuationBytes(pieces[0]) : 0;
}

/** A snapshot's `floodTailBytes`, within 0..`max` (anything else: `max`). */
function floodTail(asked: number | undefined, max: number): number {
  return Number.isInteger(asked) && asked! >= 0 ? Math.min(asked!, max) : max;
}

function clampSize(value: number, max: number): number | undefined {
  if (!Number.isInteger(value) || value < 1) return undefined;
  return Math.min(value, max);
}

/** Lets callers pass `{ scrollback: undefined }` without overriding a default with undefined. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
