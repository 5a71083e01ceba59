/**
 * The WAL checkpoint thread: copies committed pages from SQLite's write-ahead log into the
 * database file (and fsyncs it) on its own connection, off the event loop that serves requests.
 * See BackgroundWalCheckpoints for why the gateway's own connection still checkpoints too.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointThreadOptions, FromCheckpointThread, ToCheckpointThread } from './wal-checkpoint-protocol';

const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker must run in a worker thread');
const options = workerData as CheckpointThreadOptions;
const reply = (message: FromCheckpointThread) => port.postMessage(message);

// fileMustExist: the gateway created the file and put it in WAL mode; this connection never
// creates or converts anything. The checkpoint syncs as the gateway's connection does.
const db = new Database(options.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
let seenVersion = -1;

function checkpoint(): void {
  // data_version moves when another connection commits: nothing new, nothing to copy
  const version = db.pragma('data_version', { simple: true }) as number;
  if (version === seenVersion) return;
  seenVersion = version;
  const started = performance.now();
  // PASSIVE never waits for (nor blocks) the gateway's writer or readers
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  reply({ type: 'checkpointed', walFrames: result.log, copiedFrames: result.checkpointed, ms: performance.now() - started });
}

const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}, options.intervalMs);

port.on('message', (message: ToCheckpointThread) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  reply({ type: 'stopped' });
  port.close();
});
