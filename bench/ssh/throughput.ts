import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import { BenchEnv, Route, noRunningSessions, runningSessionId, sshArgs } from './setup';
import { sampleProcess } from '../capacity/proc-stats';
import { attachView, connectLive } from './live-client';

export interface TransferRun {
  route: Route;
  seconds: number;
  mbPerSecond: number;
  /** characters the attached viewer received live (vigil only) */
  viewerChars?: number;
  viewerResyncs?: number;
  /** every event the viewer received, by name (`output`, `resync`, ...): what a human watching got */
  viewerEvents?: Record<string, number>;
  /** the ciphers OpenSSH negotiated on its legs (`ssh -v`: one per leg, the -J jump leg first) */
  clientCiphers: string[];
  /**
   * CPU seconds (user + system, every thread) the relaying process spent in the timed part: the
   * gateway for Vigil, the relay process for the bare relay. Unlike MB/s, barely moved by the load
   * of other processes, so it compares builds on a busy machine too.
   */
  relayCpuSeconds?: number;
}

/** The process doing the relaying on a route, if it is one of ours. */
function relayPid(env: BenchEnv, route: Route): number | undefined {
  if (route === 'vigil') return env.gateway.child.pid;
  if (route === 'bare-relay') return env.bareRelayPid;
  return undefined;
}

function cpuSecondsOf(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : sampleProcess(pid).cpu;
}

/** The registry may list the session a moment before the live hub can attach it: retry briefly. */
async function attachWhenLive(viewer: Socket, sessionId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attachView(viewer, sessionId);
      return;
    } catch (error) {
      const message = (error as Error).message;
      if (!/not found|rate limited/.test(message) || Date.now() > deadline) throw error;
      const retryIn = Number(/retry in (\d+) ms/.exec(message)?.[1] ?? 300);
      await new Promise((r) => setTimeout(r, retryIn + 50));
    }
  }
}

/** The `kex: server->client cipher: X` lines of `ssh -v` output, one per SSH connection the client made. */
export function negotiatedCiphers(sshVerboseStderr: string): string[] {
  return [...sshVerboseStderr.matchAll(/kex: server->client cipher: (\S+)/g)].map((m) => m[1]);
}

/**
 * One `cat` of `file` (PTY off), stdout to /dev/null. The remote command first announces itself
 * on stderr and waits for a line on stdin, so the clock starts at "go" (connection setup and, on
 * the Vigil route, attaching the viewer are outside the timed part) and stops when ssh exits.
 */
export async function transferOnce(env: BenchEnv, route: Route, file: string, bytes: number): Promise<TransferRun> {
  const devNull = fs.openSync('/dev/null', 'w');
  // -v: the negotiated cipher of each leg is read back from the client's debug output (stderr, untimed setup only).
  const child = spawn('ssh', ['-v', ...sshArgs(env, route), `echo READY >&2; read go; exec cat ${file}`], { stdio: ['pipe', devNull, 'pipe'] });
  fs.closeSync(devNull);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('READY')) resolve();
    });
    void exited.then((code) => reject(new Error(`ssh (${route}) exited with ${code} before READY: ${stderr}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  let viewer: Socket | undefined;
  let viewerChars = 0;
  let viewerResyncs = 0;
  const viewerEvents: Record<string, number> = {};
  try {
    await ready;
    if (route === 'vigil') {
      // Recording is always on; shadowing: one viewer attached in view mode for the whole transfer.
      const sessionId = await runningSessionId(env);
      viewer = await connectLive(env.gateway.url, env.adminToken);
      viewer.on('output', (p: { data: string }) => (viewerChars += p.data.length));
      viewer.on('resync', () => (viewerResyncs += 1));
      viewer.onAny((name: string) => (viewerEvents[name] = (viewerEvents[name] ?? 0) + 1));
      await attachWhenLive(viewer, sessionId).catch((error: Error) => {
        throw new Error(`${error.message}; gateway log tail:\n${env.gateway.output().slice(-2000)}`);
      });
    }
    const pid = relayPid(env, route);
    const cpuBefore = cpuSecondsOf(pid);
    const started = performance.now();
    child.stdin!.write('go\n');
    const code = await exited;
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuSecondsOf(pid);
    if (code !== 0) throw new Error(`ssh (${route}) exited with ${code}: ${stderr}`);
    return {
      route,
      seconds,
      mbPerSecond: bytes / 1e6 / seconds,
      clientCiphers: negotiatedCiphers(stderr),
      ...(cpuBefore !== undefined && cpuAfter !== undefined ? { relayCpuSeconds: cpuAfter - cpuBefore } : {}),
      ...(viewer ? { viewerChars, viewerResyncs, viewerEvents } : {}),
    };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    viewer?.close();
    if (route === 'vigil') await noRunningSessions(env);
  }
}
