import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeShell } from './fake-shell';
import { roundKeystrokes, seededRandom } from './scripted-user-plan';
import { WatcherNotices } from './watcher-notices';

/** A shell on a manual clock. */
function shell(start = Date.UTC(2026, 11, 1, 9, 30, 0)) {
  let now = start;
  const sh = new FakeShell({ user: 'demo', host: 'demo-shell', now: () => now, size: { cols: 80, rows: 24 } });
  return { sh, advance: (ms: number) => (now += ms) };
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const PROMPT = 'demo@demo-shell:~$ ';

describe('FakeShell (the demo target\'s scripted shell)', () => {
  it('greets, echoes typed keys one by one, and runs a canned command on Enter', () => {
    const { sh } = shell();
    expect(plain(sh.start())).toContain(PROMPT);
    expect(sh.input('l')).toBe('l');
    expect(sh.input('s')).toBe('s');
    const out = plain(sh.input('\r'));
    expect(out).toBe(`\r\napp.log  config.yml  deploy.sh  notes.txt\r\n${PROMPT}`);
  });

  it('treats CR LF as one Enter, edits with Backspace and Ctrl-U, ignores arrow keys', () => {
    const { sh } = shell();
    sh.start();
    expect(sh.input('whoamx\x7f')).toBe('whoamx\b \b');
    expect(sh.input('\x1b[A\x1b[D')).toBe('');
    expect(plain(sh.input('i\r\n'))).toBe(`i\r\ndemo\r\n${PROMPT}`);
    expect(sh.input('junk\x15')).toBe(`junk${'\b \b'.repeat(4)}`);
    expect(plain(sh.input('\r'))).toBe(`\r\n${PROMPT}`);
  });

  it('refuses whatever is outside its script with a canned answer: never a host file, never a process', () => {
    const { sh } = shell();
    sh.start();
    const hostPasswd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8') : 'root:x:0:0';
    for (const line of ['cat /etc/passwd', 'cat ../../etc/passwd', 'head -n 1 /etc/shadow', 'ls /', 'bash', 'sh -c id', 'sudo -i', 'nano /etc/hosts', 'python3']) {
      const out = plain(sh.input(`${line}\r`));
      expect(out).toContain('not in the demo');
      for (const hostLine of hostPasswd.split('\n').filter((l) => l.length > 8)) expect(out).not.toContain(hostLine);
    }
    expect(plain(sh.input('cat notes.txt\r'))).toContain('# on-call notes');
  });

  it('tail -f follows the log on the injected clock and stops on Ctrl-C', () => {
    const { sh, advance } = shell();
    sh.start();
    sh.input('tail -n 2 -f app.log\r');
    expect(sh.tick()).toBe('');
    advance(1200);
    const first = sh.tick();
    expect(first).toMatch(/^2026-12-01T09:30:01Z INFO {2}GET \/api\/orders 200 14 ms\r\n$/);
    advance(1200);
    expect(sh.tick()).toContain('GET /health');
    // a stalled timer catches up a few lines, not a flood
    advance(60_000);
    expect(sh.tick().split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(plain(sh.input('\x03'))).toBe(`^C\r\n${PROMPT}`);
    advance(5000);
    expect(sh.tick()).toBe('');
  });

  it('top redraws every 2 s with changing numbers and quits on q', () => {
    const { sh, advance } = shell();
    sh.start();
    const opened = sh.input('top\r');
    expect(opened).toContain('\x1b[?1049h');
    expect(opened).toContain('PID USER');
    advance(1000);
    expect(sh.tick()).toBe('');
    advance(1000);
    const second = sh.tick();
    expect(second).toContain('top - 09:30:02');
    advance(2000);
    expect(sh.tick()).not.toBe(second);
    expect(sh.input('x')).toBe('');
    expect(plain(sh.input('q'))).toBe(PROMPT);
  });

  it('nano edits the in-memory file: type, write out, exit; cat shows the change', () => {
    const { sh } = shell();
    sh.start();
    expect(sh.input('nano notes.txt\r')).toContain('nano (Vigil demo)');
    sh.input('\r- hello');
    expect(sh.input('x\x7f')).toBe('x\b \b');
    expect(sh.input('\x0f')).toContain('[ Wrote 4 lines ]');
    expect(plain(sh.input('\x18'))).toBe(PROMPT);
    expect(plain(sh.input('tail -n 1 notes.txt\r'))).toBe(`tail -n 1 notes.txt\r\n- hello\r\n${PROMPT}`);
  });

  it('a second shell has its own files: an edit never leaks across sessions', () => {
    const a = shell().sh;
    a.start();
    a.input('nano notes.txt\r\rsecret-of-a\x0f\x18');
    const b = shell().sh;
    b.start();
    expect(b.input('cat notes.txt\r')).not.toContain('secret-of-a');
  });

  it('Ctrl-C clears the line; exit and Ctrl-D on an empty line end the shell', () => {
    const { sh } = shell();
    sh.start();
    expect(plain(sh.input('ls -l\x03'))).toBe(`ls -l^C\r\n${PROMPT}`);
    expect(sh.input('x\x04')).toBe('x');
    sh.input('\x15');
    expect(sh.input('\x04')).toBe('logout\r\n');
    expect(sh.ended).toBe(true);
    expect(sh.input('ls\r')).toBe('');
    const other = shell().sh;
    other.start();
    expect(other.input('exit\r')).toContain('logout');
    expect(other.ended).toBe(true);
  });

  it('bounds what one line may hold', () => {
    const { sh } = shell();
    sh.start();
    expect(sh.input('a'.repeat(10_000)).length).toBe(256);
    const out = plain(sh.input('\r'));
    expect(out.length).toBeLessThan(300);
    expect(out).toContain('not in the demo');
  });

  it('the demo folder reaches neither the file system nor processes (static guard)', () => {
    for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const source = fs.readFileSync(path.join(__dirname, file), 'utf8');
      expect({ file, fs: /from '(node:)?fs(\/promises)?'|require\('(node:)?fs'\)/.test(source) }).toEqual({ file, fs: false });
      expect({ file, processes: /child_process|node-pty|spawn\(|execFile\(/.test(source) }).toEqual({ file, processes: false });
    }
  });
});

describe('scripted user plan', () => {
  it('is reproducible for a seed, human-paced, and types every command of its round', () => {
    const a = roundKeystrokes(0, seededRandom(42));
    expect(roundKeystrokes(0, seededRandom(42))).toEqual(a);
    expect(roundKeystrokes(0, seededRandom(43))).not.toEqual(a);
    const typed = a.map((k) => k.data).join('');
    // typos are fixed with Backspace: what the shell ends up with is the plan
    const net = [...typed].reduce((s, ch) => (ch === '\x7f' ? s.slice(0, -1) : s + ch), '');
    for (const command of ['ls -l\r', 'cat notes.txt\r', 'tail -f app.log\r', 'top\r', 'nano notes.txt\r', 'uptime\r']) expect(net).toContain(command);
    expect(net).toContain('\x03');
    expect(net).toContain('\x0f');
    const keys = a.filter((k) => k.data.length === 1 && k.data >= ' ');
    expect(Math.min(...keys.map((k) => k.delayMs))).toBeGreaterThanOrEqual(60);
    const total = a.reduce((s, k) => s + k.delayMs, 0);
    expect(total).toBeGreaterThan(40_000);
    expect(total).toBeLessThan(120_000);
  });

  it('edits a different line each round', () => {
    const line = (n: number) => roundKeystrokes(n, () => 0.5).map((k) => k.data).join('');
    expect(line(0)).not.toBe(line(1));
  });
});

describe('WatcherNotices (the scripted user steps back while someone may type)', () => {
  it('tracks interact viewers from the jump notices, across chunk boundaries', () => {
    const w = new WatcherNotices();
    w.feed('\r\n[Vigil] admin started watching this session (view)\r\n');
    expect(w.interactiveViewer).toBe(false);
    w.feed('\r\n[Vigil] admin is now watching this ses');
    expect(w.interactiveViewer).toBe(false);
    w.feed('sion (interact)\r\n');
    expect(w.interactiveViewer).toBe(true);
    w.feed('\r\n[Vigil] bob started watching this session (view)\r\n');
    w.feed('\r\n[Vigil] admin stopped watching this session\r\n');
    expect(w.interactiveViewer).toBe(false);
  });

  it('ignores look-alikes that are not whole notices, and a runaway line', () => {
    const w = new WatcherNotices();
    w.feed('admin started watching this session (interact)\n');
    expect(w.interactiveViewer).toBe(false);
    w.feed('x'.repeat(100_000));
    w.feed('\n');
    expect(w.interactiveViewer).toBe(false);
  });
});
