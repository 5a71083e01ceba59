import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../../test/support/repo-root';
import { CycleResult, measureCycles } from './cycles';

export type FloorAdapter = 'express' | 'fastify';

/**
 * Cycles/s of floor-server.ts (the bare framework, no work behind the routes) in its own process,
 * measured exactly as the gateway is: the most the request path alone allows on this machine.
 */
export async function measureFloor(adapter: FloorAdapter, agents: number, warmupMs: number, measureMs: number): Promise<CycleResult> {
  const runDist = path.join(repoRoot(), 'scripts', 'run-dist.js');
  const child = spawn(process.execPath, [runDist, 'bench/registry/floor-server.js', adapter], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (\S+)/.exec(output);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`floor server (${adapter}) exited with ${code}`)));
    });
    return await measureCycles(url, 'no-token', agents, warmupMs, measureMs);
  } finally {
    child.kill('SIGTERM');
  }
}
