/** Messages between the gateway and its WAL checkpoint thread. */

export interface CheckpointThreadOptions {
  /** the SQLite database file (in WAL mode, opened by the gateway first) */
  file: string;
  /** how often the thread looks for new commits to copy into the database file */
  intervalMs: number;
}

export type ToCheckpointThread = { type: 'stop' };

export type FromCheckpointThread =
  /** `wal_checkpoint(PASSIVE)`'s answer: frames in the WAL, and how many of them are now in the database file */
  | { type: 'checkpointed'; walFrames: number; copiedFrames: number; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'stopped' };
