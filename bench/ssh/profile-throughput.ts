/**
 * One 200 MB `cat` through the jump (recording on, optionally one viewer), for profiling:
 * (`BENCH_BINARY=1`: random bytes instead of base64 text)
 * `VIGIL_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node scripts/run-dist.js bench/ssh/profile-throughput.js`
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setUp, writeTextFile } from './setup';
import { transferOnce } from './throughput';

async function main(): Promise<void> {
  const env = await setUp();
  try {
    const file = path.join(os.tmpdir(), `vigil-profile-${process.pid}.txt`);
    const bytes = Number(process.env.BENCH_BYTES ?? 200 * 1024 * 1024);
    if (process.env.BENCH_BINARY === '1') await fs.promises.writeFile(file, crypto.randomBytes(bytes));
    else await writeTextFile(file, bytes);
    for (const route of ['direct', 'vigil'] as const) {
      const run = await transferOnce(env, route, file, bytes);
      process.stdout.write(`${route}: ${run.mbPerSecond.toFixed(1)} MB/s\n`);
    }
  } finally {
    await env.close();
  }
}

void main();
