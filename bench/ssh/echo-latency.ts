import * as fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { percentile } from '../support/stats';
import { attachView, connectLive } from './live-client';
import { ViewerThread } from './viewer-thread';
import { BenchEnv, PINNED_CIPHER, TARGET, noRunningSessions, runningSessionId } from './setup';

/**
 * `bare-relay` (bench/ssh/bare-relay.ts: ssh2 server piped to an ssh2 client, nothing else) is
 * what the two-leg ssh2 man-in-the-middle costs by itself; Vigil minus it is Vigil's own work.
 */
export type EchoRoute = 'vigil' | 'vigil + 1 viewer' | 'direct' | 'openssh-J' | 'bare-relay';

export interface EchoResult {
  route: EchoRoute;
  samples: number;
  p50: number;
  p99: number;
  /** every counted round trip, ms, in order: to pool several rounds */
  values: number[];
  /** with a viewer: the `output` events it received over the whole session (warm-up included) */
  viewerOutputs?: number;
}

/**
 * Where the viewer of `vigil + 1 viewer` runs. `thread` (default): a worker thread, as a viewer
 * is someone else's browser. `in-process`: on the thread that times the keystrokes, as before
 * v0.7.4, where decoding the viewer's copy of an echo could delay the timer's read of the echo
 * itself (an A/B of the two measured no difference beyond noise; the thread is the truer setup).
 */
const VIEWER_PLACE = process.env.BENCH_ECHO_VIEWER === 'in-process' ? 'in-process' : 'thread';

function connect(config: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    // The same cipher as every OpenSSH leg of bench/ssh (setup.ts PINNED_CIPHER).
    client.connect({ readyTimeout: 20_000, algorithms: { cipher: [PINNED_CIPHER] as never }, ...config });
  });
}

/** The user side: an ssh2 client (one process, no spawned `ssh`, so the timer sees only the path). */
async function openClient(env: BenchEnv, route: EchoRoute): Promise<{ client: Client; extra?: Client }> {
  const privateKey = fs.readFileSync(env.aliceKey.privatePath);
  if (route === 'vigil' || route === 'vigil + 1 viewer') {
    return { client: await connect({ host: '127.0.0.1', port: env.jumpPort, username: `alice+${TARGET}`, privateKey }) };
  }
  if (route === 'direct') return { client: await connect({ host: '127.0.0.1', port: env.target.port, username: 'root', privateKey }) };
  if (route === 'bare-relay') return { client: await connect({ host: '127.0.0.1', port: env.bareRelayPort, username: 'root', privateKey }) };
  // What `ssh -J` does: a direct-tcpip channel through the OpenSSH jump host, SSH end to end inside it.
  const jump = await connect({ host: '127.0.0.1', port: env.opensshJump.port, username: 'root', privateKey });
  const sock = await new Promise<ClientChannel>((resolve, reject) =>
    jump.forwardOut('127.0.0.1', 0, '127.0.0.1', env.target.port, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
  return { client: await connect({ sock, username: 'root', privateKey }), extra: jump };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keystroke echo round trip: in a PTY session running `stty raw -echo; cat` (the application
 * echoes each byte, as a shell's line editor does), send one character, time until it comes back,
 * wait `gapMs`, repeat. The first `warmup` keystrokes are not counted.
 */
export async function measureEcho(env: BenchEnv, route: EchoRoute, keystrokes: number, warmup = 20, gapMs = 5): Promise<EchoResult> {
  const { client, extra } = await openClient(env, route);
  let viewer: Socket | undefined;
  let viewerThread: ViewerThread | undefined;
  let inProcessOutputs = 0;
  try {
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.exec('stty raw -echo; echo READY; exec cat', { pty: { term: 'xterm', cols: 120, rows: 40 } }, (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    let received = '';
    let waiter: ((text: string) => void) | undefined;
    channel.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      waiter?.(received);
    });
    const waitFor = (needle: string, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`echo: no ${JSON.stringify(needle)} on ${route} within ${timeoutMs} ms; got ${JSON.stringify(received.slice(-200))}`)), timeoutMs);
        const check = (text: string) => {
          if (!text.includes(needle)) return;
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        };
        waiter = check;
        check(received);
      });
    await waitFor('READY');
    if (route === 'vigil + 1 viewer') {
      const sessionId = await runningSessionId(env);
      if (VIEWER_PLACE === 'thread') viewerThread = await ViewerThread.attach(env.gateway.url, env.adminToken, sessionId);
      else {
        viewer = await connectLive(env.gateway.url, env.adminToken);
        viewer.on('output', () => (inProcessOutputs += 1));
        await attachView(viewer, sessionId);
      }
    }
    await sleep(200);
    const samples: number[] = [];
    const alphabet = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < warmup + keystrokes; i++) {
      received = '';
      const ch = alphabet[i % alphabet.length];
      const echoed = waitFor(ch);
      const t0 = performance.now();
      channel.write(ch);
      await echoed;
      const elapsed = performance.now() - t0;
      if (i >= warmup) samples.push(elapsed);
      await sleep(gapMs);
    }
    channel.close();
    const result: EchoResult = { route, samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), values: samples };
    if (route === 'vigil + 1 viewer') {
      result.viewerOutputs = viewerThread ? (await viewerThread.stop()).outputs : inProcessOutputs;
      viewerThread = undefined;
      // a viewer that got nothing was not watching: the row would measure Vigil without one
      if (!result.viewerOutputs) throw new Error('echo: the viewer received no output');
    }
    return result;
  } finally {
    viewer?.close();
    await viewerThread?.stop().catch(() => undefined);
    client.end();
    extra?.end();
    if (route.startsWith('vigil')) await noRunningSessions(env);
  }
}
