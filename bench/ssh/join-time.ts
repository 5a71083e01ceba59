import * as fs from 'node:fs';
import { Client, ClientChannel } from 'ssh2';
import { screenOf } from '../../test/support/terminal';
import { percentile } from '../support/stats';
import { attachView, connectLive, type AttachAck } from './live-client';
import { BenchEnv, TARGET, noRunningSessions, runningSessionId } from './setup';

export interface JoinResult {
  label: string;
  outputBytes: number;
  attaches: number;
  p50: number;
  p95: number;
  max: number;
  /** attaches whose ack screen was byte-for-byte the serialized screen of what the user received (not checked while output flows: NaN) */
  exact: number;
  /** attaches whose visible rows matched the user's (a weaker check than `exact`; NaN while output flows) */
  visibleMatch: number;
  screenChars: number;
  /** lines per second the session printed during the attaches (0: idle) */
  flowLinesPerSecond: number;
  /**
   * attaches whose screen was identical to the previous attach's: nothing changed in between, so
   * the gateway could serve its cached serialization (on an idle session, all but the warm-up).
   */
  unchangedScreens: number;
}

export interface JoinOptions {
  /**
   * Keep the session printing this many lines per second while the attaches run (a busy log
   * tail), so every join pays for a fresh serialization of the screen instead of the gateway's
   * cache of an unchanged one. 0 (default): the session is idle after the output.
   */
  flowLinesPerSecond?: number;
}

const COLS = 120;
const ROWS = 40;

/**
 * Attach → ack time on a PTY session (ssh2 client as the user, through the Vigil jump) after it
 * has printed `file` (or nothing but a prompt when `file` is null). Each ack's screen is checked
 * against the user's own output fed through a headless terminal of the same size. With
 * `flowLinesPerSecond` the session keeps printing during the attaches (no exact check then).
 */
export async function measureJoin(env: BenchEnv, label: string, file: string | null, attaches: number, options: JoinOptions = {}): Promise<JoinResult> {
  const flow = options.flowLinesPerSecond ?? 0;
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port: env.jumpPort, username: `alice+${TARGET}`, privateKey: fs.readFileSync(env.aliceKey.privatePath), readyTimeout: 20_000 });
  });
  const viewer = await connectLive(env.gateway.url, env.adminToken);
  try {
    const shell = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm', cols: COLS, rows: ROWS }, (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    const chunks: Buffer[] = [];
    let text = '';
    shell.on('data', (c: Buffer) => {
      chunks.push(c);
      // Only the tail is searched for the markers.
      text = (text + c.toString('latin1')).slice(-4096);
    });
    const waitFor = async (needle: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`join: no ${needle}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    shell.write(`export PS1='$ '; ${file ? `cat ${file}; ` : ''}echo DONE-$((20+22))\n`);
    await waitFor('DONE-42');
    // quiet: nothing new for 500 ms
    for (let last = -1; chunks.length !== last; ) {
      last = chunks.length;
      await new Promise((r) => setTimeout(r, 500));
    }
    const userOutput = Buffer.concat(chunks);
    const expected = await screenOf(userOutput, COLS, ROWS);
    const sessionId = await runningSessionId(env);
    if (flow > 0) {
      // A shell loop, so the flow needs no file; `sleep` with a fraction is GNU coreutils (the target is Debian).
      shell.write(`i=0; while :; do echo "flow line $i $(date +%s%N)"; i=$((i+1)); sleep ${1 / flow}; done\n`);
      await waitFor('flow line 3');
    }

    const times: number[] = [];
    let exact = 0;
    let visibleMatch = 0;
    let screenChars = 0;
    let unchangedScreens = 0;
    let previousScreen: string | undefined;
    // one untimed attach first (connection warm-up), then the measured ones
    await attachView(viewer, sessionId);
    await viewer.emitWithAck('detach', { sessionId });
    for (let i = 0; i < attaches; i++) {
      const t0 = performance.now();
      const ack = (await viewer.timeout(60_000).emitWithAck('attach', { sessionId, mode: 'view' })) as AttachAck;
      if (!ack.ok) {
        // the gateway limits attach/detach per connection (a flood guard): wait as told, untimed, and redo this one
        const wait = /retry in (\d+) ms/.exec(ack.error ?? '');
        if (!wait) throw new Error(`attach refused: ${ack.error}`);
        await new Promise((r) => setTimeout(r, Number(wait[1]) + 10));
        i--;
        continue;
      }
      times.push(performance.now() - t0);
      await viewer.emitWithAck('detach', { sessionId });
      screenChars = ack.screen.length;
      if (ack.screen === previousScreen) unchangedScreens++;
      previousScreen = ack.screen;
      // While output flows the user's screen has moved on by the time the ack is in: nothing exact to compare with.
      if (flow > 0) continue;
      if (ack.screen === expected.screen) exact++;
      const received = await screenOf(ack.screen, ack.cols, ack.rows);
      if (received.lines.join('\n') === expected.lines.join('\n')) visibleMatch++;
    }
    // Ctrl-C stops a flow loop; the shell then exits.
    shell.end(`${flow > 0 ? '\x03' : ''}exit\n`);
    return {
      label,
      outputBytes: userOutput.length,
      attaches,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      max: Math.max(...times),
      exact: flow > 0 ? NaN : exact,
      visibleMatch: flow > 0 ? NaN : visibleMatch,
      screenChars,
      flowLinesPerSecond: flow,
      unchangedScreens,
    };
  } finally {
    viewer.close();
    client.end();
    await noRunningSessions(env);
  }
}
