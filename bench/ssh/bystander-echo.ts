import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from '../support/stats';
import { WorkerMailbox } from '../support/worker-mailbox';
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
  private readonly mailbox: WorkerMailbox;

  private constructor(env: BenchEnv, gapMs: number) {
    this.worker = new Worker(path.join(__dirname, 'bystander-echo-worker.js'), {
      workerData: { port: env.jumpPort, username: `alice+${TARGET}`, keyPath: env.aliceKey.privatePath, cipher: PINNED_CIPHER, gapMs },
    });
    this.mailbox = new WorkerMailbox(this.worker, 'bystander');
  }

  static async open(env: BenchEnv, gapMs = 50): Promise<BystanderEcho> {
    const bystander = new BystanderEcho(env, gapMs);
    await bystander.mailbox.next('ready');
    return bystander;
  }

  type(): void {
    this.worker.postMessage({ type: 'type' });
  }

  async stop(): Promise<BystanderResult> {
    this.worker.postMessage({ type: 'stop' });
    const { samples = [], unanswered = 0 } = (await this.mailbox.next('samples')) as { samples?: number[]; unanswered?: number };
    await this.worker.terminate();
    return { samples: samples.length, unanswered, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  }
}
