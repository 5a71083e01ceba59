/**
 * The capacity bench's SSH target: one ssh2 `Server` process standing in for 1,000 machines
 * (1,000 real sshd sessions with a shell each would measure the target host, not the jump).
 * Any login is accepted; the account name picks the behaviour of each shell:
 * - `typist`: echoes every byte it receives at once (as a shell's line editor does) and prints
 *   10 lines per second of lowercase text (so an echoed key, an upper-case letter, is never
 *   confused with output);
 * - `flood`: prints FLOOD_BYTES of text lines at once, then only echoes (a mirrored session whose
 *   screen and scrollback are full);
 * - anything else (`idle`): only echoes.
 * Run as its own process: `node dist/bench/capacity/scripted-target.js` with env TARGET_HOST_KEY
 * (file) and FLOOD_BYTES; prints `scripted target listening on <port>`.
 */
import * as fs from 'node:fs';
import { Server, type ServerChannel } from 'ssh2';

export const LINES_PER_SECOND = 10;

/** Line `n` of a session's output: lowercase letters, digits and spaces only, CRLF-terminated (a PTY's newline). */
export function outputLine(session: number, n: number): string {
  return `s${session} line ${n} the quick brown fox jumps over the lazy dog 0123456789\r\n`;
}

/** Text lines adding up to at least `bytes` (the flood a mirrored session has seen). */
export function floodText(bytes: number): string {
  const lines: string[] = [];
  let total = 0;
  for (let n = 0; total < bytes; n++) {
    const line = outputLine(0, n);
    lines.push(line);
    total += line.length;
  }
  return lines.join('');
}

function main(): void {
  const floodBytes = Number(process.env.FLOOD_BYTES ?? 2_000_000);
  const flood = floodText(floodBytes);
  const typists = new Set<{ channel: ServerChannel; session: number; n: number }>();
  let sessions = 0;
  // One timer for all shells, each in its own 1/10 s phase: 10 lines per second each, spread evenly.
  const tickMs = 10;
  let tick = 0;
  setInterval(() => {
    tick++;
    for (const t of typists) if ((t.session + tick) % (1000 / LINES_PER_SECOND / tickMs) === 0) t.channel.write(outputLine(t.session, t.n++));
  }, tickMs);

  const server = new Server({ hostKeys: [fs.readFileSync(process.env.TARGET_HOST_KEY!)] }, (conn) => {
    let account = '';
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      account = ctx.username;
      ctx.accept();
    });
    conn.on('session', (accept) => {
      const session = accept();
      session.on('pty', (ok) => ok?.());
      session.on('window-change', (ok) => ok?.());
      session.on('env', (ok) => ok?.());
      session.on('shell', (ok) => {
        const channel = ok();
        const typist = { channel, session: sessions++, n: 0 };
        channel.on('data', (data: Buffer) => channel.write(data));
        channel.on('close', () => typists.delete(typist));
        if (account === 'flood') channel.write(flood);
        else if (account === 'typist') typists.add(typist);
      });
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`scripted target listening on ${(server.address() as { port: number }).port}\n`));
}

if (require.main === module) main();
