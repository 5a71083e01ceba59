import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WorkerMailbox } from '../support/worker-mailbox';

export interface ViewerReceived {
  /** `output` events the viewer got */
  outputs: number;
  chars: number;
}

/** A `/live` viewer on a thread of its own (viewer-worker.ts), attached until `stop`. */
export class ViewerThread {
  private constructor(
    private readonly worker: Worker,
    private readonly mailbox: WorkerMailbox,
  ) {}

  static async attach(url: string, token: string, sessionId: string): Promise<ViewerThread> {
    const worker = new Worker(path.join(__dirname, 'viewer-worker.js'), { workerData: { url, token, sessionId } });
    const viewer = new ViewerThread(worker, new WorkerMailbox(worker, 'viewer'));
    try {
      await viewer.mailbox.next('attached', 60_000);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return viewer;
  }

  /** Detaches and says what the viewer received meanwhile. */
  async stop(): Promise<ViewerReceived> {
    this.worker.postMessage({ type: 'stop' });
    const { outputs, chars } = (await this.mailbox.next('received')) as unknown as ViewerReceived;
    await this.worker.terminate();
    return { outputs, chars };
  }
}
