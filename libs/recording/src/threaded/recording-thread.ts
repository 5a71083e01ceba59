import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromRecordingThread, ToRecordingThread } from './recording-thread-protocol';

type Listener = (message: FromRecordingThread) => void;

/**
 * The one worker thread that writes every recording of this process, started with the first
 * recording and left to exit (unref'd) when none is open. Messages are routed by recording id.
 */
export class RecordingThread {
  private worker?: Worker;
  private readonly listeners = new Map<number, Listener>();
  private nextId = 1;

  /** Registers a recording; `listener` gets its replies, or a `failed` message if the thread dies. */
  register(listener: Listener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    this.ensureWorker().ref();
    return id;
  }

  unregister(id: number): void {
    this.listeners.delete(id);
    if (this.listeners.size === 0) this.worker?.unref();
  }

  post(message: ToRecordingThread, transfer: ArrayBuffer[] = []): void {
    this.ensureWorker().postMessage(message, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(recordingWorkerFile());
    worker.on('message', (message: FromRecordingThread) => this.listeners.get(message.id)?.(message));
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // Every open recording lost its writer: tell each, so close() rejects instead of hanging.
      for (const [id, listener] of [...this.listeners]) listener({ type: 'failed', id, message: reason });
      for (const [id, listener] of [...this.listeners]) listener({ type: 'close-failed', id, message: reason });
    };
    worker.on('error', (error) => lost(`the recording thread crashed: ${error.message}`));
    worker.on('exit', (code) => lost(`the recording thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }
}

/**
 * The compiled worker entry. From compiled code it sits beside this file; when this file runs from
 * TypeScript (jest), the worker still runs the build in dist/ (`npm test` builds first), because a
 * worker thread starts a plain Node.js context without the test's TypeScript transform.
 */
export function recordingWorkerFile(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'recording-worker.js');
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const built = path.join(dir, 'dist', 'libs', 'recording', 'src', 'threaded', 'recording-worker.js');
      if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
      return built;
    }
  }
  throw new Error('recording-worker: cannot find the repository root');
}

/** Shared by every recording of the process. */
export const recordingThread = new RecordingThread();
