import { Worker } from 'node:worker_threads';
import { compiledWorkerFile } from '@vigil/common';
import type { CheckpointThreadOptions, FromCheckpointThread, ToCheckpointThread } from './wal-checkpoint-protocol';

export interface CheckpointProgress {
  walFrames: number;
  copiedFrames: number;
  ms: number;
}

/** How long stop() waits for the thread to close its connection before terminating it. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * A worker thread that keeps copying a SQLite WAL into its database file
 * (wal-checkpoint-worker.ts). It only ever runs PASSIVE checkpoints, so it can neither block nor
 * be needed by the connection that writes: if the thread is lost, `onLost` is told and the
 * writer's own automatic checkpoints carry on as before.
 */
export class WalCheckpointThread {
  private worker?: Worker;
  private lastProgress?: CheckpointProgress;
  private stopping = false;

  constructor(
    private readonly options: CheckpointThreadOptions,
    private readonly onLost: (reason: string) => void,
    private readonly onFailed: (message: string) => void = () => undefined,
  ) {}

  /** the last checkpoint the thread reported */
  get progress(): CheckpointProgress | undefined {
    return this.lastProgress;
  }

  start(): void {
    if (this.worker) return;
    const worker = new Worker(compiledWorkerFile(__filename, 'libs/database/src/wal-checkpoints/wal-checkpoint-worker'), { workerData: this.options });
    worker.on('message', (message: FromCheckpointThread) => {
      if (message.type === 'checkpointed') this.lastProgress = { walFrames: message.walFrames, copiedFrames: message.copiedFrames, ms: message.ms };
      else if (message.type === 'failed') this.onFailed(message.message);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!this.stopping) this.onLost(reason);
    };
    worker.on('error', (error) => lost(`the WAL checkpoint thread crashed: ${error.message}`));
    worker.on('exit', (code) => lost(`the WAL checkpoint thread exited (code ${code})`));
    // checkpoints are an optimisation: they must never keep the process alive
    worker.unref();
    this.worker = worker;
  }

  /** Closes the thread's connection (before the writer closes its own, so that one is the last). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToCheckpointThread);
    const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timeout);
  }
}
