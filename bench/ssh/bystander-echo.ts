import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from '../support/stats';
import { BenchEnv, PINNED_CIPHER, TARGET } from './setup';

export interface BystanderResult {
  samples: number;
  unanswered: number;
  p50: number;
  p99: number;
}

/**
 * Another user's session through the same jump, typing during a measurement (bystander-echo-worker):
 * `open` before the measured session starts its output, `type` when the window opens, `stop` at its end.
 */
export class BystanderEcho {
  private readonly worker: Worker;
  private readonly messages: { type: string; samples?: number[]; unanswered?: number; message?: string }[] = [];

  private constructor(env: BenchEnv, gapMs: number) {
    this.worker = new Worker(path.join(__dirname, 'bystander-echo-worker.js'), {
      workerData: { port: env.jumpPort, username: `alice+${TARGET}`, keyPath: env.aliceKey.privatePath, cipher: PINNED_CIPHER, gapMs },
    });
    this.worker.on('message', (m) => this.messages.push(m));
    this.worker.on('error', (e) => this.messages.push({ type: 'error', message: e.message }));
  }

  static async open(env: BenchEnv, gapMs = 50): Promise<BystanderEcho> {
    const bystander = new BystanderEcho(env, gapMs);
    await bystander.next('ready');
    return bystander;
  }

  type(): void {
    this.worker.postMessage({ type: 'type' });
  }

  async stop(): Promise<BystanderResult> {
    this.worker.postMessage({ type: 'stop' });
    const { samples = [], unanswered = 0 } = await this.next('samples');
    await this.worker.terminate();
    return { samples: samples.length, unanswered, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  }

  private async next(type: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const error = this.messages.find((m) => m.type === 'error');
      if (error) throw new Error(`bystander: ${error.message}`);
      const found = this.messages.find((m) => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`bystander: no ${type}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
