/**
 * bench/wall: what the wall of live sessions costs the gateway. `--sessions` SSH sessions through
 * the embedded jump each print a line every 200 ms; the gateway's CPU and RSS are measured with no
 * wall open, with one wall (a /live socket subscribed to every session's thumbnail, as the web
 * page does), with `--walls` walls at once (the fan-out: one snapshot per session per tick for
 * all of them), and with no wall again; and what reaches a wall (thumbnail payload bytes/s).
 * Run: `npm run bench:wall` (flags: --sessions 50, --walls 5, --seconds 15 per phase,
 * --no-write to leave BENCHMARKS.md alone; BENCH_MARKDOWN names another file).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import { startSshSessions } from '../soak/ssh-sessions';
import { setUpSoak } from '../soak/setup';
import { connectLive, inBatches } from '../ssh/live-client';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { round } from '../support/stats';

const { values: flags } = parseArgs({
  options: {
    sessions: { type: 'string', default: '50' },
    walls: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '15' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SESSIONS = Math.max(1, Math.round(Number(flags.sessions)));
const WALLS = Math.max(1, Math.round(Number(flags.walls)));
const SECONDS = Math.max(2, Number(flags.seconds));

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

interface Wall {
  socket: Socket;
  bytes: number;
  screens: number;
  refused: string[];
}

/** A /live socket subscribed to every session's thumbnail, counting what it receives. */
async function openWall(url: string, token: string, sessionIds: string[]): Promise<Wall> {
  const socket = await connectLive(url, token);
  const wall: Wall = { socket, bytes: 0, screens: 0, refused: [] };
  socket.on('thumbnail', (payload: unknown) => {
    wall.screens += 1;
    wall.bytes += Buffer.byteLength(JSON.stringify(payload));
  });
  await inBatches(sessionIds, 16, async (sessionId) => {
    const ack = (await socket.timeout(30_000).emitWithAck('thumbnail-subscribe', { sessionId })) as { ok: boolean; error?: string };
    if (!ack.ok) wall.refused.push(ack.error ?? 'refused');
  });
  return wall;
}

interface Phase {
  name: string;
  cpuPercent: number;
  rssMb: number;
  /** per wall: thumbnail payload bytes and screens a second */
  wallKBps: number | null;
  screensPerSecond: number | null;
}

async function measure(name: string, pid: number, walls: Wall[]): Promise<Phase> {
  // settle: the first tick after subscribing sends every screen at once
  await sleep(1500);
  walls.forEach((w) => ((w.bytes = 0), (w.screens = 0)));
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  const rss: number[] = [];
  while (Date.now() - t0 < SECONDS * 1000) {
    await sleep(1000);
    rss.push(rssMb(pid));
  }
  const seconds = (Date.now() - t0) / 1000;
  const perWall = (f: (w: Wall) => number) => (walls.length ? walls.reduce((sum, w) => sum + f(w), 0) / walls.length / seconds : null);
  const bytes = perWall((w) => w.bytes);
  const phase: Phase = {
    name,
    cpuPercent: ((cpuSeconds(pid) - cpu0) / seconds) * 100,
    rssMb: Math.max(...rss),
    wallKBps: bytes === null ? null : bytes / 1024,
    screensPerSecond: perWall((w) => w.screens),
  };
  log(`${name}: gateway CPU ${round(phase.cpuPercent)} %, RSS ${round(phase.rssMb)} MB${phase.wallKBps === null ? '' : `, per wall ${round(phase.wallKBps)} KB/s in ${round(phase.screensPerSecond ?? 0)} screens/s`}`);
  return phase;
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg().map((x) => round(x, 2)).join(' / ');
  log(`wall: ${SESSIONS} SSH sessions printing a line every 200 ms; phases of ${SECONDS} s; 1 and ${WALLS} walls`);
  const env = await setUpSoak({ engine: 'sqlite', agents: 0, owners: 0 });
  const pid = env.gateway.child.pid!;
  const aliceKey = fs.readFileSync(env.aliceKey.privatePath);
  let load: Awaited<ReturnType<typeof startSshSessions>> | undefined;
  const walls: Wall[] = [];
  try {
    load = await startSshSessions({
      url: env.gateway.url,
      jumpPort: env.jumpPort,
      login: 'alice+box',
      privateKey: aliceKey,
      viewerToken: env.adminToken,
      count: SESSIONS,
      viewersEach: 0,
      sessionIds: async () => {
        const res = await env.api.request('GET', '/api/sessions?type=PAM_SSH&limit=500', env.adminToken);
        return (res.body.items as { id: string }[]).map((s) => s.id);
      },
    });
    const ids = ((await env.api.request('GET', '/api/sessions?type=PAM_SSH&limit=500', env.adminToken)).body.items as { id: string }[]).map((s) => s.id);
    const phases: Phase[] = [];
    phases.push(await measure('no wall', pid, []));
    walls.push(await openWall(env.gateway.url, env.adminToken, ids));
    if (walls[0].refused.length > 0) throw new Error(`thumbnails refused: ${walls[0].refused.slice(0, 3).join('; ')}`);
    phases.push(await measure('1 wall', pid, walls));
    for (let i = 1; i < WALLS; i++) walls.push(await openWall(env.gateway.url, env.adminToken, ids));
    phases.push(await measure(`${WALLS} walls`, pid, walls));
    walls.splice(0).forEach((w) => w.socket.close());
    phases.push(await measure('no wall (after)', pid, []));

    const table = [
      '| phase | gateway CPU % | gateway RSS MB (max) | KB/s to each wall | screens/s to each wall |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...phases.map((p) => `| ${p.name} | ${round(p.cpuPercent)} | ${round(p.rssMb)} | ${p.wallKBps === null ? '–' : round(p.wallKBps)} | ${p.screensPerSecond === null ? '–' : round(p.screensPerSecond)} |`),
    ];
    const markdown = [
      '## Wall of live sessions (`npm run bench:wall`)',
      '',
      `${SESSIONS} SSH sessions through the embedded jump (ssh2 clients, 120×40), each printing a line every 200 ms (so every screen changes between two ticks, the worst case for the wall). ` +
        `Each phase lasts ${SECONDS} s; CPU is the gateway process's (user + system, /proc), RSS its highest reading. A wall is one /live socket subscribed to every session's thumbnail, as the web page does; ` +
        'the gateway takes at most one snapshot (visible screen, no scrollback) per changed session per second, whatever the number of walls, and sends it once to all of them. ' +
        `Bytes are the thumbnail payloads (JSON) each wall received. Load average at the start: ${loadAtStart}.`,
      '',
      ...table,
    ].join('\n');
    log('');
    log(table.join('\n'));
    if (!flags['no-write']) log(`\nwrote ${writeBenchmarkSection('wall', markdown)}`);
  } finally {
    walls.forEach((w) => w.socket.close());
    await load?.close();
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
