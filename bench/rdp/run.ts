/**
 * bench/rdp: RDP/VNC shadowing against the real guacd 1.6.0 and TigerVNC's Xvnc on loopback, the
 * compiled gateway as its own process, every figure beside its baseline from the same run:
 * - first frame: `/live` attach (join-token mint) → the viewer's first complete screen (the first
 *   `sync` by which the screen's images arrived); baseline: the user's connect call → the user's
 *   own first complete screen. Goal p95 ≤ 300 ms.
 * - screen change: the root window repainted (X11 requests from this process, at a known time) →
 *   the first drawing instruction and its `sync` in each client, with 1 and with 20 viewers beside
 *   the user's own client. Goal: viewers within 20 ms of the user at p95.
 * - scale: concurrent user sessions (guacd connections, one Xvnc shared by all) stepped up until
 *   the median screen-change delay doubles from its 1-connection value, or the step/time cap.
 * Run: `npm run bench:rdp` (env BENCH_RDP_ATTACHES (50), BENCH_RDP_ROUNDS (40),
 * BENCH_RDP_SCALE_SECONDS (240), BENCH_RDP_MAX_SESSIONS (64)).
 */
import * as os from 'node:os';
import type { Socket } from 'socket.io-client';
import type { GuacamoleWsClient } from '../../test/support/guacamole-ws-client';
import type { ScreenSize } from '../../test/support/rdp-screen';
import { sleep } from '../../test/support/wait';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { percentile, round } from '../support/stats';
import { drawnAfter, firstFullFrameAt } from './frames';
import { setUp, type RdpBenchEnv } from './setup';
import { XRootPainter } from './x-root-painter';

const ATTACHES = Number(process.env.BENCH_RDP_ATTACHES ?? 50);
const ROUNDS = Number(process.env.BENCH_RDP_ROUNDS ?? 40);
const SCALE_ROUNDS = 20;
const SCALE_SECONDS = Number(process.env.BENCH_RDP_SCALE_SECONDS ?? 240);
const MAX_SESSIONS = Number(process.env.BENCH_RDP_MAX_SESSIONS ?? 64);
const SCALE_STEPS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128].filter((n) => n <= MAX_SESSIONS);
const SCREEN: ScreenSize = { width: 1024, height: 768 };
const GOAL_FIRST_FRAME_P95_MS = 300;
/** pause after each close in the first-frame phase (see there) */
const SETTLE_MS = 300;
const MAX_FAILURES = 5;
/**
 * guacd admits a joining user only on its pending-users timer, every 250 ms
 * (GUAC_CLIENT_PENDING_USERS_REFRESH_INTERVAL, libguac/client.c): a fixed pause would lock the
 * attaches to one phase of it, so the pause is jittered over the whole interval.
 */
const GUACD_JOIN_INTERVAL_MS = 250;
const settle = () => SETTLE_MS + Math.random() * GUACD_JOIN_INTERVAL_MS;
const GOAL_VIEWER_GAP_P95_MS = 20;
/** Solid colours, each unlike the last: every repaint changes every pixel. */
const COLOURS = [0xc0392b, 0x27ae60, 0x2980b9, 0xf1c40f, 0x8e44ad, 0x16a085];

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (x: number) => (Number.isFinite(x) ? String(round(x, 1)) : 'n/a');
const p = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs), n: xs.length });
type Summary = ReturnType<typeof p>;
const row = (label: string, s: Summary, extra = '') => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |${extra}`;

interface Session {
  sessionId: string;
  client: GuacamoleWsClient;
}

/** Waits for the client's first complete screen; its time (the sync's arrival). */
async function fullFrame(client: GuacamoleWsClient, timeoutMs = 15_000): Promise<number> {
  for (const started = Date.now(); ; await sleep(20)) {
    const at = firstFullFrameAt(client.received, SCREEN);
    if (at !== null) return at;
    if (client.isClosed || Date.now() - started > timeoutMs) throw new Error(`no complete screen within ${timeoutMs} ms; received: ${client.summary()}`);
  }
}

/** alice connects; her tunnel up to its first complete screen. Times from the connect call and from the tunnel's opening. */
async function connectUser(env: RdpBenchEnv): Promise<Session & { fromMint: number; fromTunnel: number }> {
  const t0 = Date.now();
  const answer = await env.connect();
  const tunnelAt = Date.now();
  const client = await env.open(answer);
  const frame = await fullFrame(client);
  return { sessionId: answer.sessionId, client, fromMint: frame - t0, fromTunnel: frame - tunnelAt };
}

/** An admin viewer: a fresh `/live` socket (not timed), attach, its tunnel up to its first complete screen. */
async function attachViewer(env: RdpBenchEnv, sessionId: string): Promise<{ socket: Socket; client: GuacamoleWsClient; fromMint: number; fromTunnel: number }> {
  const socket = await env.live();
  const t0 = Date.now();
  const ack = await socket.timeout(10_000).emitWithAck('attach', { sessionId, mode: 'view' });
  if (!ack.ok || ack.kind !== 'rdp') throw new Error(`attach: ${JSON.stringify(ack)}`);
  const tunnelAt = Date.now();
  const client = await env.open(ack);
  const frame = await fullFrame(client);
  return { socket, client, fromMint: frame - t0, fromTunnel: frame - tunnelAt };
}

/** Waits until the session is attachable on /live (registered once guacd answered `ready`). */
async function attachable(env: RdpBenchEnv, sessionId: string): Promise<void> {
  const socket = await env.live();
  try {
    for (const started = Date.now(); ; await sleep(100)) {
      const ack = await socket.timeout(10_000).emitWithAck('attach', { sessionId, mode: 'view' });
      if (ack.ok) return;
      if (Date.now() - started > 15_000) throw new Error(`session ${sessionId} never attachable: ${JSON.stringify(ack)}`);
    }
  } finally {
    socket.close();
  }
}

let colour = 0;
/**
 * One repaint of the whole screen; per client, the milliseconds from just before the X requests
 * were written to the `sync` that ends the first frame drawing the change (null: not within 10 s).
 */
async function screenChange(painter: XRootPainter, clients: GuacamoleWsClient[]): Promise<Array<{ sync: number; draw: number }>> {
  const marks = clients.map((c) => c.received.length);
  const t0 = Date.now();
  await painter.paint(COLOURS[colour++ % COLOURS.length]);
  const deadline = t0 + 10_000;
  for (;;) {
    const drawn = clients.map((c, i) => drawnAfter(c.received, marks[i]));
    if (drawn.every(Boolean)) return drawn.map((d) => ({ sync: d!.syncAt - t0, draw: d!.firstDrawAt - t0 }));
    if (Date.now() > deadline) throw new Error(`screen change not drawn within 10 s by ${drawn.filter((d) => !d).length} of ${clients.length} clients`);
    await sleep(2);
  }
}

/** Rounds of screen changes; a quiet, jittered pause between them so no round rides on the last one's frame. */
async function changes(painter: XRootPainter, clients: GuacamoleWsClient[], rounds: number): Promise<Array<Array<{ sync: number; draw: number }>>> {
  for (let warm = 0; warm < 3; warm++) await screenChange(painter, clients);
  const all: Array<Array<{ sync: number; draw: number }>> = [];
  for (let r = 0; r < rounds; r++) {
    all.push(await screenChange(painter, clients));
    await sleep(120 + Math.random() * 80);
  }
  return all;
}

async function closeClient(client: GuacamoleWsClient): Promise<void> {
  client.close();
  await client.waitClosed(10_000).catch(() => client.terminate());
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2)).join(' / ');
  const env = await setUp(SCREEN);
  log(`gateway ${env.gateway.url}, guacd :${env.servers.guacd.port}, Xvnc :${env.servers.vnc.display} (VNC :${env.servers.vnc.port})`);
  const painter = await XRootPainter.connect(env.servers.vnc.display);
  const sections: string[] = [
    '## RDP/VNC: shadowing through guacd (`npm run bench:rdp`)',
    '',
    'Everything on one machine over loopback: the real guacd 1.6.0 (built from the vendored tarball), one TigerVNC `Xvnc` as the target (the VNC protocol; an RDP target through xrdp adds its own hop and is not measured here), the compiled gateway as its own process (embedded guacamole-lite, SQLite, guacd recording every session to a file as always), and the clients in the bench process.',
    '',
    'Settings that flatter the figures: loopback only (no network latency or bandwidth limit); Xvnc 1024×768 at depth 24 with no VNC authentication; guacd\'s VNC defaults (the server\'s 24-bit colour, its default encodings, no JPEG quality trade-off asked for); WebSocket frames uncompressed; the clients are headless Guacamole parsers that decode no image and paint no canvas (a browser adds PNG decoding and drawing); the screen change is one solid colour over the whole root window, the cheapest update to encode; one idle X display with nothing else drawing; announceWatching off (no notice in the user\'s tunnel). The machine is shared: absolute figures move with its load (the load average is printed at the end), so read each figure against its baseline from the same run.',
  ];
  const sessions: Session[] = [];
  try {
    // The session everything watches.
    const main = await connectUser(env);
    sessions.push(main);
    await attachable(env, main.sessionId);

    // 1. First frame: viewer attaches interleaved with the user's own connects (same load).
    const viewerMint: number[] = [];
    const viewerTunnel: number[] = [];
    const userMint: number[] = [];
    const userTunnel: number[] = [];
    // A failed attach or connect is counted and reported, not retried into the figures; more than MAX_FAILURES ends the run.
    const failures: string[] = [];
    const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | null> => {
      try {
        return await run();
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
        log(`[first frame] ${what} failed: ${(error as Error).message.split('\n')[0]}\n${env.gateway.output().slice(-2_000)}`);
        if (failures.length > MAX_FAILURES) throw error;
        return null;
      }
    };
    for (let i = 0; i < ATTACHES; i++) {
      const viewer = await attempt('attach', () => attachViewer(env, main.sessionId));
      if (viewer) {
        viewerMint.push(viewer.fromMint);
        viewerTunnel.push(viewer.fromTunnel);
        await closeClient(viewer.client);
        viewer.socket.close();
      }
      // A closed user connection is torn down by guacd (its process, the recording) after the
      // close: measuring the next attach during that would charge it to the join. Start quiet.
      await sleep(settle());
      const user = await attempt('connect', () => connectUser(env));
      if (user) {
        userMint.push(user.fromMint);
        userTunnel.push(user.fromTunnel);
        await closeClient(user.client);
      }
      await sleep(settle());
      if ((i + 1) % 10 === 0) log(`[first frame] ${i + 1}/${ATTACHES}: viewer p50 ${ms(percentile(viewerMint, 50))} ms, user p50 ${ms(percentile(userMint, 50))} ms`);
    }
    const vm = p(viewerMint);
    const firstFrameOk = vm.p95 <= GOAL_FIRST_FRAME_P95_MS;
    sections.push(
      '',
      `### Viewer attach → first full frame (${ATTACHES} attaches; goal p95 ≤ ${GOAL_FIRST_FRAME_P95_MS} ms: ${firstFrameOk ? 'meets goal' : '**below goal**'})`,
      '',
      'A viewer: a `/live` `attach` (the gateway checks the right and mints a join token) → the tunnel opened with the token → guacd joins the user\'s connection → the first `sync` by which what was painted on the default layer (images, solid fills, copies) covers the whole screen. The baseline: the user\'s own `POST /api/targets/desk-vnc/connect` → tunnel → guacd connects to the VNC server → the same first full frame. Attaches and connects alternate, one at a time, each ' + SETTLE_MS + '–' + (SETTLE_MS + GUACD_JOIN_INTERVAL_MS) + ' ms (random) after the previous tunnel closed (guacd tears a closed connection down after the close). guacd admits a joining user only on its pending-users timer, every ' + GUACD_JOIN_INTERVAL_MS + ' ms (`GUAC_CLIENT_PENDING_USERS_REFRESH_INTERVAL` in libguac): a viewer\'s first frame waits 0–' + GUACD_JOIN_INTERVAL_MS + ' ms for it beyond the join itself, which a user\'s own connection does not; the random pause samples that phase evenly.',
      '',
      '| from → first full frame | n | p50 ms | p95 ms | max ms |',
      '|---|---|---|---|---|',
      row('viewer: attach (token mint)', vm),
      row('viewer: tunnel opened', p(viewerTunnel)),
      row('baseline, user: connect call', p(userMint)),
      row('baseline, user: tunnel opened', p(userTunnel)),
    );
    const um = p(userMint);
    sections.push('', `Failed attaches or connects (left out of the figures): ${failures.length ? failures.join('; ') : 'none'}.`);
    sections.push('', `Viewer p95 minus the user's own first-frame p95: ${vm.p95 >= um.p95 ? '+' : ''}${ms(vm.p95 - um.p95)} ms (same run, same load): what the join adds beyond guacd's first frame.`);
    log(`[first frame] viewer p50/p95 ${ms(vm.p50)}/${ms(vm.p95)} ms; user ${ms(percentile(userMint, 50))}/${ms(percentile(userMint, 95))} ms`);

    // 2. Screen change → drawn, the user's client beside 1 and 20 viewers.
    sections.push(
      '',
      `### Screen change → drawn, user vs viewers (${ROUNDS} changes per row; goal: viewers within ${GOAL_VIEWER_GAP_P95_MS} ms of the user at p95)`,
      '',
      'The root window repainted by X11 requests written from the bench process at t0; per client, t0 → the `sync` that ends the first frame with a drawing instruction after t0 (a client renders at `sync`). Viewers are read-only `/live` attaches of the admin, each on its own socket.',
      '',
      '| viewers | client | n | p50 ms | p95 ms | max ms | p95 gap to the user |',
      '|---|---|---|---|---|---|---|',
    );
    let gapsOk = true;
    for (const count of [1, 20]) {
      const viewers = [];
      for (let i = 0; i < count; i++) viewers.push(await attachViewer(env, main.sessionId));
      const clients = [main.client, ...viewers.map((v) => v.client)];
      const rounds = await changes(painter, clients, ROUNDS);
      const user = p(rounds.map((r) => r[0].sync));
      const seen = p(rounds.flatMap((r) => r.slice(1).map((d) => d.sync)));
      const gap = seen.p95 - user.p95;
      gapsOk &&= gap <= GOAL_VIEWER_GAP_P95_MS;
      sections.push(`| ${count} | user | ${user.n} | ${ms(user.p50)} | ${ms(user.p95)} | ${ms(user.max)} | |`, `| ${count} | viewers | ${seen.n} | ${ms(seen.p50)} | ${ms(seen.p95)} | ${ms(seen.max)} | ${ms(gap)} ms |`);
      log(`[screen change] ${count} viewer(s): user p50/p95 ${ms(user.p50)}/${ms(user.p95)} ms, viewers ${ms(seen.p50)}/${ms(seen.p95)} ms (gap ${ms(gap)} ms)`);
      for (const viewer of viewers) {
        await closeClient(viewer.client);
        viewer.socket.close();
      }
    }
    sections.push('', `Viewers within ${GOAL_VIEWER_GAP_P95_MS} ms of the user at p95: ${gapsOk ? 'meets goal' : '**below goal**'}.`);

    // 3. Concurrent user sessions (guacd connections) until the median delay doubles.
    sections.push(
      '',
      '### guacd connections per gateway before the screen-change delay doubles',
      '',
      `Concurrent user sessions of the same gateway and guacd, all on the one Xvnc (shared; Xvnc encodes every update once per VNC client, so the target's own work grows with them too); ${SCALE_ROUNDS} screen changes per step (${ROUNDS} for 1 session, the yardstick), delays pooled over every session's client. Stops once the median has doubled from its 1-connection value, at ${MAX_SESSIONS} sessions, or after ${SCALE_SECONDS} s.`,
      '',
      '| sessions | n | p50 ms | p95 ms | max ms | p50 vs 1 session |',
      '|---|---|---|---|---|---|',
    );
    const scaleStarted = Date.now();
    const scaleFailures: string[] = [];
    let base = NaN;
    let outcome = '';
    for (const step of SCALE_STEPS) {
      // A connect that fails (see the first-frame phase) is counted and tried again, up to MAX_FAILURES in all.
      try {
        while (sessions.length < step) {
          try {
            sessions.push(await connectUser(env));
          } catch (error) {
            scaleFailures.push(`session ${sessions.length + 1}: ${(error as Error).message.split('\n')[0]}`);
            if (scaleFailures.length > MAX_FAILURES) throw error;
          }
        }
      } catch (error) {
        outcome = `opening session ${sessions.length + 1} failed ${scaleFailures.length} times: ${(error as Error).message.split('\n')[0]}`;
        break;
      }
      // The 1-session value is the yardstick: measured with the longer run of rounds.
      const rounds = await changes(painter, sessions.map((s) => s.client), step === 1 ? ROUNDS : SCALE_ROUNDS);
      const s = p(rounds.flat().map((d) => d.sync));
      if (step === 1) base = s.p50;
      const ratio = s.p50 / base;
      sections.push(`| ${step} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ×${round(ratio, 2)} |`);
      log(`[scale] ${step} session(s): p50/p95 ${ms(s.p50)}/${ms(s.p95)} ms (×${round(ratio, 2)})`);
      if (ratio >= 2) {
        outcome = `the median doubled at ${step} concurrent sessions`;
        break;
      }
      if ((Date.now() - scaleStarted) / 1000 > SCALE_SECONDS) {
        outcome = `stopped at the ${SCALE_SECONDS} s cap with ${step} sessions, the median not yet doubled`;
        break;
      }
    }
    if (!outcome) outcome = `the median had not doubled at ${sessions.length} sessions, the step cap (BENCH_RDP_MAX_SESSIONS)`;
    sections.push('', `Outcome: ${outcome}. Failed connects (tried again, left out): ${scaleFailures.length ? scaleFailures.join('; ') : 'none'}.`);
    log(`[scale] ${outcome}`);
  } finally {
    painter.close();
    for (const s of sessions) s.client.terminate();
    await env.close();
  }
  sections.push(
    '',
    `Command: \`npm run bench:rdp\` (BENCH_RDP_ATTACHES=${ATTACHES}, BENCH_RDP_ROUNDS=${ROUNDS}, BENCH_RDP_SCALE_SECONDS=${SCALE_SECONDS}, BENCH_RDP_MAX_SESSIONS=${MAX_SESSIONS}). Full run: ${round((Date.now() - started) / 60000, 1)} min; load average at the start ${loadAtStart}, at the end ${os.loadavg().map((x) => round(x, 2)).join(' / ')} (the machine is shared with other work).`,
  );
  const file = writeBenchmarkSection('rdp', sections.join('\n'));
  log(`\nwritten to ${file}`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
