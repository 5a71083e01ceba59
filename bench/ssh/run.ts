/**
 * bench/ssh: the embedded SSH jump and live shadowing, each figure beside a baseline measured in
 * the same run: `cat` throughput (vs direct ssh and OpenSSH `ssh -J`), keystroke echo round trip
 * (vs direct), shadow delay to 500 / 1,000 viewers (vs a raw `ws` broadcast), and join time on a
 * session with 10 MB of output (vs a fresh session).
 * Run: `npm run bench:ssh` (env BENCH_SSH_ONLY=throughput,echo,shadow,join to run a subset;
 * BENCH_SSH_SECONDS for the shadow-delay window, default 8).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { round } from '../support/stats';
import { EchoResult, measureEcho } from './echo-latency';
import { JoinResult, measureJoin } from './join-time';
import { Route, setUp, writeTextFile } from './setup';
import { DelayResult, measureSocketIoDelay, measureWsFloor, writeEmitter } from './shadow-delay';
import { TransferRun, transferOnce } from './throughput';

const ONLY = new Set((process.env.BENCH_SSH_ONLY ?? 'throughput,echo,shadow,join').split(','));
const SHADOW_SECONDS = Number(process.env.BENCH_SSH_SECONDS ?? 8);
const BIG = 200 * 1024 * 1024;
const JOIN_OUTPUT = 10 * 1024 * 1024;
const REPEATS = 3;
const KEYSTROKES = 200;
const JOINS = 50;

const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean, miss = '') => (ok ? 'meets goal' : `**below goal**${miss ? ` (${miss})` : ''}`);
const ms = (x: number) => (Number.isFinite(x) ? String(round(x, 2)) : 'n/a');

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2)).join(' / ');
  const env = await setUp();
  log(`gateway ${env.gateway.url}, jump :${env.jumpPort}, target sshd :${env.target.port}, OpenSSH jump sshd :${env.opensshJump.port}`);
  const sections: string[] = [
    '## SSH jump and live shadowing (`npm run bench:ssh`)',
    '',
    'Everything on one machine over loopback: a real OpenSSH 9.2 sshd as the target, the compiled gateway as its own process (embedded jump, SQLite, recording always on), a second sshd as the OpenSSH `-J` jump host, and the load generators (ssh clients, viewers) in the bench process. Targets use `announceWatching: false` so attaching viewers does not type notices into the measured session.',
  ];
  try {
    if (ONLY.has('throughput')) {
      const file = path.join(env.dir, 'big.txt');
      await writeTextFile(file, BIG);
      const runs: TransferRun[] = [];
      const routes: Route[] = ['direct', 'openssh-J', 'vigil'];
      for (let i = 0; i < REPEATS; i++) {
        for (const route of routes) {
          const run = await transferOnce(env, route, file, BIG);
          log(`[throughput] ${route} #${i + 1}: ${round(run.mbPerSecond)} MB/s${run.viewerChars !== undefined ? ` (viewer got ${round(run.viewerChars / 1e6)} MB live, ${run.viewerResyncs} resyncs)` : ''}`);
          runs.push(run);
        }
      }
      const med = (route: Route) => median(runs.filter((r) => r.route === route).map((r) => r.mbPerSecond));
      const direct = med('direct');
      const vigil = med('vigil');
      const viewerRuns = runs.filter((r) => r.route === 'vigil');
      const ratio = vigil / direct;
      sections.push(
        '',
        '### Throughput: `cat` of a 200 MiB file',
        '',
        `PTY off (\`ssh -T host 'cat file' > /dev/null\`), pseudo-random printable text (base64 lines). Timed from the "go" line on stdin (connection set up, viewer attached) to ssh's exit; MB = 10⁶ bytes; median of ${REPEATS} runs, routes interleaved. Through Vigil the session is recorded and one socket.io viewer is attached in view mode for the whole transfer. Goal ≥ 0.8× direct.`,
        '',
        '| route | MB/s (median) | runs | × direct | verdict |',
        '| --- | ---: | --- | ---: | --- |',
        ...routes.map((route) => {
          const all = runs.filter((r) => r.route === route).map((r) => round(r.mbPerSecond));
          const x = med(route) / direct;
          const label = route === 'vigil' ? 'Vigil jump (recording + 1 viewer)' : route === 'direct' ? 'direct ssh (baseline)' : 'OpenSSH `ssh -J` via a second sshd (baseline)';
          return `| ${label} | ${round(med(route))} | ${all.join(', ')} | ${round(x, 2)} | ${route === 'vigil' ? verdict(ratio >= 0.8, `${round(ratio, 2)}× vs 0.8×: ${round(0.8 * direct - vigil)} MB/s short`) : '—'} |`;
        }),
        '',
        `The viewer received ${viewerRuns.map((r) => `${round((r.viewerChars ?? 0) / 1e6)} MB`).join(', ')} live (${viewerRuns.reduce((a, r) => a + (r.viewerResyncs ?? 0), 0)} resyncs) of ${round(BIG / 1e6)} MB per run.`,
      );
    }

    if (ONLY.has('echo')) {
      const results: EchoResult[] = [];
      for (const route of ['direct', 'vigil', 'vigil + 1 viewer', 'openssh-J'] as const) {
        const r = await measureEcho(env, route, KEYSTROKES);
        log(`[echo] ${route}: p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms`);
        results.push(r);
      }
      const direct = results.find((r) => r.route === 'direct')!;
      sections.push(
        '',
        '### Keystroke echo round trip',
        '',
        `An ssh2 \`Client\` in the bench process is the user (no spawned \`ssh\`, so the timer sees only the path): PTY session running \`stty raw -echo; cat\`, one character written, timed until it comes back, 5 ms pause, ${KEYSTROKES} keystrokes after 20 warm-up ones. Goal: added p50 ≤ 0.5 ms, p99 ≤ 2 ms over direct.`,
        '',
        '| route | p50 ms | p99 ms | added p50 ms | added p99 ms | verdict |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        ...results.map((r) => {
          const addP50 = r.p50 - direct.p50;
          const addP99 = r.p99 - direct.p99;
          const judged = r.route.startsWith('vigil');
          const miss = [addP50 > 0.5 ? `p50 +${round(addP50 - 0.5, 2)} ms over` : '', addP99 > 2 ? `p99 +${round(addP99 - 2, 2)} ms over` : ''].filter(Boolean).join(', ');
          const label = r.route === 'direct' ? 'direct ssh (baseline)' : r.route === 'openssh-J' ? 'OpenSSH `-J` (reference)' : `Vigil jump${r.route.includes('viewer') ? ' + 1 viewer attached' : ''}`;
          return `| ${label} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.route === 'direct' ? '—' : ms(addP50)} | ${r.route === 'direct' ? '—' : ms(addP99)} | ${judged ? verdict(addP50 <= 0.5 && addP99 <= 2, miss) : '—'} |`;
        }),
      );
    }

    if (ONLY.has('shadow')) {
      const emitter = writeEmitter(env.dir);
      const cases = [
        { viewers: 500, rate: 1_000_000, goal: 50 },
        { viewers: 1000, rate: 100_000, goal: 30 },
      ];
      const rows: { c: (typeof cases)[number]; vigil: DelayResult | Error; floor: DelayResult | Error }[] = [];
      for (const c of cases) {
        const floor = await measureWsFloor(env, emitter, c.viewers, c.rate, SHADOW_SECONDS).catch((e: Error) => e);
        log(`[shadow] ws floor ${c.viewers} @ ${c.rate} B/s: ${floor instanceof Error ? floor.message : `p50 ${ms(floor.p50)} ms, p99 ${ms(floor.p99)} ms`}`);
        const vigil = await measureSocketIoDelay(env, emitter, c.viewers, c.rate, SHADOW_SECONDS).catch((e: Error) => e);
        log(
          `[shadow] socket.io ${c.viewers} @ ${c.rate} B/s: ${vigil instanceof Error ? vigil.message : `p50 ${ms(vigil.p50)} ms, p99 ${ms(vigil.p99)} ms, delivered ${round(vigil.delivered * 100)}%, resyncs ${vigil.resyncs}`}`,
        );
        rows.push({ c, vigil, floor });
      }
      const fmt = (r: DelayResult | Error) =>
        r instanceof Error ? `failed: ${r.message.split('\n')[0]} | | | | |` : `${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${round(r.delivered * 100)}% | ${r.samples.toLocaleString('en-US')} |`;
      sections.push(
        '',
        '### Shadow delay: target output → viewer receipt',
        '',
        `A Node script on the target prints 100-byte lines \`T<µs>|xxx…\` in a burst every 10 ms at the given rate, each stamped with CLOCK_MONOTONIC (shared by all processes on this machine). Viewers are websocket connections to \`/live\` speaking the socket.io wire protocol (engine.io v4 / socket.io v5 frames, ping answered, \`attach\` in view mode with its ack), all in the bench process; each \`output\` frame is timed on arrival and scanned for its oldest marker without being decoded (test/support/live-wire-viewer.ts: socket.io-client JSON-parsing 500–1,000 streams on the bench's one core measured the load generator, not the gateway; a browser decodes only its own stream, and the floor's clients do not decode either). ${SHADOW_SECONDS} s measured after a 2 s warm-up. The floor is the same stream read over a direct ssh and broadcast as raw \`ws\` text frames (each chunk as read) by a \`ws\` server in a worker thread of the bench process to the same number of bare \`ws\` clients.`,
        '',
        '| viewers | rate | path | p50 ms | p99 ms | max ms | delivered | samples | goal p99 | verdict |',
        '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        ...rows.flatMap(({ c, vigil, floor }) => {
          const rate = c.rate >= 1e6 ? `${c.rate / 1e6} MB/s` : `${c.rate / 1e3} KB/s`;
          const ok = !(vigil instanceof Error) && vigil.p99 <= c.goal && vigil.attached === c.viewers;
          const miss = vigil instanceof Error ? 'did not run' : `p99 ${ms(vigil.p99)} ms, ${round(vigil.p99 / c.goal, 1)}× the goal`;
          return [
            `| ${vigil instanceof Error || vigil.attached === c.viewers ? c.viewers : `${vigil.attached} of ${c.viewers}`} | ${rate} | Vigil socket.io \`/live\` | ${fmt(vigil)} ≤ ${c.goal} | ${verdict(ok, miss)} |`,
            `| ${c.viewers} | ${rate} | raw \`ws\` broadcast (floor) | ${fmt(floor)} — | — |`,
          ];
        }),
        '',
        `Attaching the viewers (connect + \`attach\` ack, 50 at a time) took ${rows
          .map(({ c, vigil }) => (vigil instanceof Error ? `n/a for ${c.viewers}` : `${round(vigil.attachSeconds)} s for ${vigil.attached} of ${c.viewers}`))
          .join(' and ')}; the raw \`ws\` clients connected in ${rows.map(({ floor }) => (floor instanceof Error ? 'n/a' : `${round(floor.attachSeconds, 2)} s`)).join(' and ')}.`,
      );
    }

    if (ONLY.has('join')) {
      const file = path.join(env.dir, 'ten-mb.txt');
      await writeTextFile(file, JOIN_OUTPUT);
      const fresh = await measureJoin(env, 'fresh session (prompt only, baseline)', null, JOINS);
      log(`[join] fresh: p50 ${ms(fresh.p50)} ms, p95 ${ms(fresh.p95)} ms, exact ${fresh.exact}/${fresh.attaches}`);
      const big = await measureJoin(env, 'after 10 MiB of output', file, JOINS);
      log(`[join] 10 MiB: p50 ${ms(big.p50)} ms, p95 ${ms(big.p95)} ms, exact ${big.exact}/${big.attaches}`);
      const row = (r: JoinResult, judged: boolean) =>
        `| ${r.label} | ${round(r.outputBytes / 1e6, 2)} MB | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${r.exact}/${r.attaches} | ${r.visibleMatch}/${r.attaches} | ${round(r.screenChars / 1024, 1)} KiB | ${judged ? verdict(r.p95 <= 20 && r.exact === r.attaches, r.p95 > 20 ? `p95 ${ms(r.p95)} ms, ${ms(r.p95 - 20)} ms over` : 'screen not exact') : '—'} |`;
      sections.push(
        '',
        '### Join time: `attach` → ack with the exact screen',
        '',
        `A 120×40 PTY shell through the jump (ssh2 client as the user) prints the output, then ${JOINS} sequential \`attach\` (view) → ack round trips from one socket.io viewer (\`detach\` between, untimed; one untimed warm-up attach). "exact" = the ack's serialized screen (with scrollback) equals the user's received bytes fed through a headless xterm of the same size; "visible" = the 40 visible rows match. Goal p95 ≤ 20 ms with the exact screen.`,
        '',
        '| session | user output | p50 ms | p95 ms | max ms | exact | visible | screen size | verdict |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        row(fresh, false),
        row(big, true),
      );
    }
  } finally {
    await env.close();
  }
  sections.push('', `Full run: ${round((Date.now() - started) / 60000, 1)} min; load average at the start ${loadAtStart}, at the end ${os.loadavg().map((x) => round(x, 2)).join(' / ')}.`);
  const file = writeBenchmarkSection('ssh', sections.join('\n'));
  log(`\nwritten to ${file}`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
