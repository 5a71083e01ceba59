import { LOG_LINES, PROCESSES } from './demo-files';

/** A full-screen or following program of the demo shell: keys in, screen bytes out, time injected. */
export interface FakeProgram {
  /** one key (a character, or a whole escape sequence); returns what the terminal shows */
  key(key: string): string;
  /** what is due at `now` (ms) */
  tick(now: number): string;
  /** true once the program has exited; the shell then shows its prompt */
  readonly done: boolean;
}

export interface ScreenSize {
  cols: number;
  rows: number;
}

const CTRL_C = '\x03';
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CLEAR = '\x1b[H\x1b[2J';
/** at most this many due refreshes are caught up at once (a stalled timer must not flood) */
const MAX_CATCH_UP = 3;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `tail -f`: a new log line every `everyMs`; Ctrl-C stops it. Typed keys echo as a terminal would. */
export class FollowLog implements FakeProgram {
  done = false;
  private next: number;
  private line = 0;

  constructor(
    now: number,
    private readonly everyMs = 1200,
  ) {
    this.next = now + everyMs;
  }

  key(key: string): string {
    if (key === CTRL_C) {
      this.done = true;
      return '^C\r\n';
    }
    if (key === '\r' || key === '\n') return '\r\n';
    return key >= ' ' && key !== '\x7f' ? key : '';
  }

  tick(now: number): string {
    let out = '';
    for (let i = 0; !this.done && now >= this.next && i < MAX_CATCH_UP; i++) {
      out += `${iso(this.next)} ${LOG_LINES[this.line++ % LOG_LINES.length]}\r\n`;
      this.next += this.everyMs;
    }
    if (now >= this.next) this.next = now + this.everyMs;
    return out;
  }
}

/** A `top` look-alike: redraws every `everyMs` with made-up numbers; `q` or Ctrl-C quits. */
export class FakeTop implements FakeProgram {
  done = false;
  private next: number;
  private frame = 0;

  constructor(
    now: number,
    private readonly bootedAt: number,
    private readonly size: () => ScreenSize,
    private readonly everyMs = 2000,
  ) {
    this.next = now + everyMs;
  }

  /** The first screen, shown when the program starts. */
  open(now: number): string {
    return ALT_SCREEN_ON + this.draw(now);
  }

  key(key: string): string {
    if (key === 'q' || key === CTRL_C) {
      this.done = true;
      return ALT_SCREEN_OFF;
    }
    return '';
  }

  tick(now: number): string {
    if (this.done || now < this.next) return '';
    this.next = now + this.everyMs;
    this.frame++;
    return this.draw(now);
  }

  private draw(now: number): string {
    const { cols, rows } = this.size();
    // Deterministic wobble: the same frame always draws the same numbers (testable), frames differ.
    const wobble = (seed: number, span: number) => ((this.frame * 7919 + seed * 104729) % 1000) / (1000 / span);
    const load = (n: number) => (0.4 + wobble(n, 1.2)).toFixed(2);
    const minutes = Math.floor((now - this.bootedAt) / 60_000);
    const lines = [
      `top - ${iso(now).slice(11, 19)} up ${minutes} min,  1 user,  load average: ${load(1)}, ${load(2)}, ${load(3)}`,
      `Tasks: ${PROCESSES.length} total,   1 running, ${PROCESSES.length - 1} sleeping,   0 stopped,   0 zombie`,
      `%Cpu(s): ${wobble(4, 30).toFixed(1)} us,  ${wobble(5, 6).toFixed(1)} sy,  0.0 ni, ${(65 + wobble(6, 30)).toFixed(1)} id`,
      `MiB Mem :   7962.1 total,   ${(2100 + wobble(7, 300)).toFixed(1)} free,   3011.4 used,   2540.2 buff/cache`,
      '',
      '    PID USER      %CPU  %MEM COMMAND',
      ...PROCESSES.map((p, i) => `${String(p.pid).padStart(7)} ${p.user.padEnd(8)} ${wobble(10 + i, 25 / (i + 1)).toFixed(1).padStart(5)} ${(3 + i * 1.7).toFixed(1).padStart(5)} ${p.command}`),
      '',
      '(Vigil demo: made-up numbers; press q to quit)',
    ];
    return CLEAR + lines.slice(0, rows).map((l) => l.slice(0, cols)).join('\r\n');
  }
}

/**
 * A tiny nano look-alike on an in-memory file: typed text goes at the end of the buffer,
 * Backspace deletes, Ctrl-O writes (to the in-memory file), Ctrl-X (or Ctrl-C) leaves.
 */
export class FakeEditor implements FakeProgram {
  done = false;
  private buffer: string[];
  private status = '';

  constructor(
    private readonly name: string,
    content: string,
    private readonly save: (content: string) => void,
    private readonly size: () => ScreenSize,
  ) {
    this.buffer = content.replace(/\n$/, '').split('\n');
  }

  open(): string {
    return ALT_SCREEN_ON + this.draw();
  }

  key(key: string): string {
    const last = this.buffer.length - 1;
    if (key === '\x18' || key === CTRL_C) {
      this.done = true;
      return ALT_SCREEN_OFF;
    }
    if (key === '\x0f') {
      this.save(`${this.buffer.join('\n')}\n`);
      this.status = `[ Wrote ${this.buffer.length} lines ]`;
      return this.draw();
    }
    if (key === '\r' || key === '\n') {
      this.buffer.push('');
      return this.draw();
    }
    if (key === '\x7f' || key === '\b') {
      if (this.buffer[last].length > 0) {
        this.buffer[last] = this.buffer[last].slice(0, -1);
        return '\b \b';
      }
      if (last > 0) this.buffer.pop();
      return this.draw();
    }
    if (key.length === 1 && key >= ' ' && this.buffer[last].length < 200) {
      this.buffer[last] += key;
      return key;
    }
    return '';
  }

  tick(): string {
    return '';
  }

  private draw(): string {
    const { cols, rows } = this.size();
    const body = Math.max(1, rows - 4);
    const visible = this.buffer.slice(-body);
    const title = `  nano (Vigil demo)   ${this.name}`;
    const lines = [`\x1b[7m${title.padEnd(cols).slice(0, cols)}\x1b[0m`, ...visible.map((l) => l.slice(0, cols))];
    const footer = `\x1b[${rows - 1};1H\x1b[2K${this.status}\x1b[${rows};1H\x1b[7m^O\x1b[0m Write Out  \x1b[7m^X\x1b[0m Exit`;
    const cursor = `\x1b[${lines.length};${Math.min(cols, visible[visible.length - 1].length + 1)}H`;
    return CLEAR + lines.join('\r\n') + footer + cursor;
  }
}
