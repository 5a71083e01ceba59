import { DEMO_HOME, PROCESSES, demoFiles } from './demo-files';
import { FakeEditor, FakeProgram, FakeTop, FollowLog, ScreenSize } from './fake-programs';

export interface FakeShellOptions {
  user: string;
  host: string;
  /** the clock (ms since the epoch): injected so the script engine is testable without timers */
  now: () => number;
  size?: ScreenSize;
}

const MAX_LINE = 256;
const NOT_IN_DEMO = "not in the demo (this is Vigil's scripted demo shell: nothing of the host is reachable; try `help`)";
const HELP = [
  "Vigil's demo shell: a script that answers a few commands. No command runs, no file is read on the host.",
  '  ls [-l]  cat FILE  head/tail [-n N] [-f] FILE  grep WORD FILE  wc -l FILE  nano FILE',
  '  top  ps  df -h  free -h  uptime  date  whoami  id  hostname  pwd  echo TEXT  clear  help  exit',
  '  files: notes.txt app.log deploy.sh config.yml',
];

/**
 * The "shell" of the built-in demo target: a pure script engine. Keys in, terminal bytes out;
 * a line editor with echo (so a viewer who takes control sees what they type), a handful of
 * canned commands over in-memory files, and three programs (`tail -f`, `top`, `nano`) that are
 * driven by `tick`. Anything outside the script gets a canned refusal: there is no way from here
 * to a process or a file of the host, because this class has none to offer.
 */
export class FakeShell {
  private readonly files = demoFiles();
  private readonly bootedAt: number;
  private size: ScreenSize;
  private line = '';
  private program: FakeProgram | null = null;
  private pendingEscape = '';
  private lastWasCr = false;
  private exited = false;

  constructor(private readonly options: FakeShellOptions) {
    this.bootedAt = options.now() - 3 * 3600_000 - 17 * 60_000;
    this.size = options.size ?? { cols: 80, rows: 24 };
  }

  get ended(): boolean {
    return this.exited;
  }

  resize(cols: number, rows: number): void {
    this.size = { cols: Math.max(20, Math.min(cols, 500)), rows: Math.max(5, Math.min(rows, 200)) };
  }

  /** The greeting and the first prompt. */
  start(): string {
    return `Welcome to the Vigil demo target "${this.options.host}" (a scripted shell, not a real machine).\r\nType \`help\` for what it knows.\r\n\r\n${this.prompt()}`;
  }

  /** What the terminal shows after the user (or a viewer in control) typed `data`. */
  input(data: string): string {
    let out = '';
    for (const key of this.keys(data)) {
      if (this.exited) break;
      out += this.key(key);
    }
    return out;
  }

  /** What is due now from a running program (a followed log, a refreshing top). */
  tick(): string {
    if (!this.program || this.exited) return '';
    return this.program.tick(this.options.now()) + this.afterProgram();
  }

  /** Splits input into keys; an escape sequence (arrows, function keys) is one key, ignored by the line editor. */
  private *keys(data: string): Generator<string> {
    for (const ch of data) {
      if (this.pendingEscape) {
        this.pendingEscape += ch;
        const done = this.pendingEscape.length > 1 && (this.pendingEscape.length > 16 || /[@-~]/.test(ch)) && !(this.pendingEscape === '\x1b[' || this.pendingEscape === '\x1bO');
        if (done) {
          const sequence = this.pendingEscape;
          this.pendingEscape = '';
          yield sequence;
        }
        continue;
      }
      if (ch === '\x1b') {
        this.pendingEscape = ch;
        continue;
      }
      // CR LF from one Enter is one key
      if (ch === '\n' && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === '\r';
      yield ch;
    }
  }

  private key(key: string): string {
    if (this.program) return this.program.key(key) + this.afterProgram();
    if (key.startsWith('\x1b')) return '';
    switch (key) {
      case '\r':
      case '\n': {
        const command = this.line;
        this.line = '';
        const output = this.run(command.trim());
        if (this.exited || this.program) return `\r\n${output}`;
        return `\r\n${output}${this.prompt()}`;
      }
      case '\x03':
        this.line = '';
        return `^C\r\n${this.prompt()}`;
      case '\x04':
        if (this.line !== '') return '';
        this.exited = true;
        return 'logout\r\n';
      case '\x0c':
        return `\x1b[H\x1b[2J${this.prompt()}${this.line}`;
      case '\x7f':
      case '\b':
        if (this.line === '') return '';
        this.line = this.line.slice(0, -1);
        return '\b \b';
      case '\x15': {
        const erase = '\b \b'.repeat(this.line.length);
        this.line = '';
        return erase;
      }
      default:
        if (key < ' ' || this.line.length >= MAX_LINE) return '';
        this.line += key;
        return key;
    }
  }

  private afterProgram(): string {
    if (!this.program?.done) return '';
    this.program = null;
    return this.prompt();
  }

  private prompt(): string {
    return `\x1b[1;32m${this.options.user}@${this.options.host}\x1b[0m:\x1b[1;34m~\x1b[0m$ `;
  }

  /** One command line; returns its output (CRLF line ends), or starts a program. */
  private run(commandLine: string): string {
    if (commandLine === '') return '';
    const [command, ...args] = commandLine.split(/\s+/);
    const flags = args.filter((a) => a.startsWith('-'));
    const operands = args.filter((a) => !a.startsWith('-'));
    const lines = (text: string[]) => text.map((l) => `${l}\r\n`).join('');
    switch (command) {
      case 'help':
        return lines(HELP);
      case 'exit':
      case 'logout':
        this.exited = true;
        return 'logout\r\n';
      case 'pwd':
        return lines([DEMO_HOME]);
      case 'whoami':
        return lines([this.options.user]);
      case 'id':
        return lines([`uid=1000(${this.options.user}) gid=1000(${this.options.user}) groups=1000(${this.options.user})`]);
      case 'hostname':
        return lines([this.options.host]);
      case 'date':
        return lines([new Date(this.options.now()).toUTCString().replace('GMT', 'UTC')]);
      case 'uptime': {
        const minutes = Math.floor((this.options.now() - this.bootedAt) / 60_000);
        return lines([` ${new Date(this.options.now()).toISOString().slice(11, 19)} up ${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')},  1 user,  load average: 0.42, 0.37, 0.31`]);
      }
      case 'echo':
        return lines([args.join(' ').replace(/^(["'])(.*)\1$/, '$2')]);
      case 'clear':
        return '\x1b[H\x1b[2J';
      case 'ls':
        return this.ls(flags, operands);
      case 'cat':
        return operands.length === 0 ? lines(['cat: give a file name (this demo has no stdin)']) : operands.map((f) => this.withFile('cat', f, (c) => c)).join('');
      case 'head':
      case 'tail':
        return this.headTail(command, args);
      case 'grep': {
        const [word, file] = operands;
        if (!word || !file) return lines(['usage: grep WORD FILE']);
        return this.withFile('grep', file, (c) => c.split('\n').filter((l) => l !== '' && l.includes(word)).map((l) => `${l}\n`).join(''));
      }
      case 'wc':
        return operands[0] ? this.withFile('wc', operands[0], (c) => `${c.split('\n').length - 1} ${operands[0]}\n`) : lines(['usage: wc -l FILE']);
      case 'nano':
      case 'vi':
      case 'vim':
        return this.edit(operands[0]);
      case 'top': {
        const top = new FakeTop(this.options.now(), this.bootedAt, () => this.size);
        this.program = top;
        return top.open(this.options.now());
      }
      case 'ps':
        return lines(['    PID TTY          TIME CMD', ...PROCESSES.filter((p) => p.user === this.options.user).map((p) => `${String(p.pid).padStart(7)} pts/0    00:00:0${p.pid % 10} ${p.command}`)]);
      case 'df':
        return lines(['Filesystem      Size  Used Avail Use% Mounted on', '/dev/vda1        40G   17G   21G  45% /', '/dev/vdb1       200G  142G   58G  71% /var/lib/data']);
      case 'free':
        return lines(['               total        used        free      shared  buff/cache   available', 'Mem:           7.8Gi       2.9Gi       2.1Gi        12Mi       2.5Gi       4.6Gi', 'Swap:          2.0Gi          0B       2.0Gi']);
      default:
        return lines([`${command.slice(0, 64)}: ${NOT_IN_DEMO}`]);
    }
  }

  private ls(flags: string[], operands: string[]): string {
    if (operands.some((o) => o !== '.' && o !== '~' && o !== DEMO_HOME)) {
      return operands.map((o) => `ls: ${o.slice(0, 64)}: ${NOT_IN_DEMO}\r\n`).join('');
    }
    const names = [...this.files.keys()].sort();
    if (!flags.some((f) => f.includes('l'))) return `${names.join('  ')}\r\n`;
    const rows = names.map((name) => {
      const size = String(this.files.get(name)!.length).padStart(5);
      const mode = name.endsWith('.sh') ? '-rwxr-xr-x' : '-rw-r--r--';
      return `${mode} 1 ${this.options.user} ${this.options.user} ${size} Dec  1 08:00 ${name}\r\n`;
    });
    return `total ${names.length * 4}\r\n${rows.join('')}`;
  }

  private headTail(command: 'head' | 'tail', args: string[]): string {
    let count = 10;
    let follow = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-f') follow = command === 'tail';
      else if (args[i] === '-n') count = Number(args[++i]) || 10;
      else if (/^-\d+$/.test(args[i])) count = Number(args[i].slice(1));
      else files.push(args[i]);
    }
    if (files.length !== 1) return `usage: ${command} [-n N]${command === 'tail' ? ' [-f]' : ''} FILE\r\n`;
    const out = this.withFile(command, files[0], (c) => {
      const all = c.replace(/\n$/, '').split('\n');
      return `${(command === 'head' ? all.slice(0, count) : all.slice(-count)).join('\n')}\n`;
    });
    if (follow && this.files.has(files[0])) this.program = new FollowLog(this.options.now());
    return out;
  }

  private edit(name: string | undefined): string {
    if (!name) return `nano: give a file name\r\n`;
    if (name.includes('/')) return `nano: ${name.slice(0, 64)}: ${NOT_IN_DEMO}\r\n`;
    const editor = new FakeEditor(name, this.files.get(name) ?? '', (content) => this.files.set(name, content), () => this.size);
    this.program = editor;
    return editor.open();
  }

  /** A canned file's content through `show`, or the demo's refusal: never the host's file of that name. */
  private withFile(command: string, name: string, show: (content: string) => string): string {
    const bare = name.replace(/^(\.\/|~\/|\/home\/demo\/)/, '');
    const content = this.files.get(bare);
    if (content === undefined) return `${command}: ${name.slice(0, 64)}: ${NOT_IN_DEMO}\r\n`;
    return show(content).replace(/\n/g, '\r\n');
  }
}
