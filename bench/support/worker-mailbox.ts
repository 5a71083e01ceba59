import type { Worker } from 'node:worker_threads';

/** A message from a bench worker thread: `type` names it, the rest is its own. */
export interface WorkerMessage {
  type: string;
  message?: string;
  [field: string]: unknown;
}

/**
 * What a bench worker thread has posted, waited for by type. An `error` message (posted by the
 * worker, or the thread's own crash) fails every wait with the worker's name.
 */
export class WorkerMailbox {
  private readonly messages: WorkerMessage[] = [];

  constructor(
    worker: Worker,
    private readonly name: string,
  ) {
    worker.on('message', (m: WorkerMessage) => this.messages.push(m));
    worker.on('error', (e) => this.messages.push({ type: 'error', message: e.message }));
  }

  async next(type: string, timeoutMs = 30_000): Promise<WorkerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const error = this.messages.find((m) => m.type === 'error');
      if (error) throw new Error(`${this.name}: ${error.message}`);
      const found = this.messages.find((m) => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${type}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
