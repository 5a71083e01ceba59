import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import { BenchEnv, Route, noRunningSessions, runningSessionId, sshArgs } from './setup';
import { attachView, connectLive } from './live-client';

export interface TransferRun {
  route: Route;
  seconds: number;
  mbPerSecond: number;
  /** characters the attached viewer received live (vigil only) */
  viewerChars?: number;
  viewerResyncs?: number;
}

/**
 * One `cat` of `file` (PTY off), stdout to /dev/null. The remote command first announces itself
 * on stderr and waits for a line on stdin, so the clock starts at "go" (connection setup and, on
 * the Vigil route, attaching the viewer are outside the timed part) and stops when ssh exits.
 */
export async function transferOnce(env: BenchEnv, route: Route, file: string, bytes: number): Promise<TransferRun> {
  const devNull = fs.openSync('/dev/null', 'w');
  const child = spawn('ssh', [...sshArgs(env, route), `echo READY >&2; read go; exec cat ${file}`], { stdio: ['pipe', devNull, 'pipe'] });
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
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  let viewer: Socket | undefined;
  let viewerChars = 0;
  let viewerResyncs = 0;
  try {
    await ready;
    if (route === 'vigil') {
      // Recording is always on; shadowing: one viewer attached in view mode for the whole transfer.
      const sessionId = await runningSessionId(env);
      viewer = await connectLive(env.gateway.url, env.adminToken);
      viewer.on('output', (p: { data: string }) => (viewerChars += p.data.length));
      viewer.on('resync', () => (viewerResyncs += 1));
      await attachView(viewer, sessionId);
    }
    const started = performance.now();
    child.stdin!.write('go\n');
    const code = await exited;
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`ssh (${route}) exited with ${code}: ${stderr}`);
    return { route, seconds, mbPerSecond: bytes / 1e6 / seconds, ...(viewer ? { viewerChars, viewerResyncs } : {}) };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    viewer?.close();
    if (route === 'vigil') await noRunningSessions(env);
  }
}
