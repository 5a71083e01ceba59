import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { WalCheckpointThread } from './wal-checkpoint-thread';

/** How often the checkpoint thread copies new commits: what the writer's own checkpoint is left with. */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * SQLite copies its write-ahead log back into the database file (a checkpoint) on the connection
 * that commits, once the log passes `wal_autocheckpoint` pages: 4,000 pages copied and two fsyncs,
 * 20-45 ms of the event loop every second or two under registry load (`npm run bench:registry`).
 * A second connection on a worker thread runs PASSIVE checkpoints every CHECKPOINT_INTERVAL_MS, so
 * by the time the writer's own checkpoint comes, almost every page is already copied and it has
 * only the last few milliseconds' pages to copy.
 *
 * The writer keeps its automatic checkpoints on purpose. A PASSIVE checkpoint running beside a
 * writer that keeps committing rarely catches the log's very end, and SQLite starts the log over
 * only after a checkpoint that did: the writer's checkpoint (which no commit can interleave) is the
 * one that lets the WAL file stop growing. It also keeps everything working if this thread is lost.
 */
@Injectable()
export class BackgroundWalCheckpoints implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BackgroundWalCheckpoints.name);
  private thread?: WalCheckpointThread;

  constructor(private readonly config: VigilConfig) {}

  onApplicationBootstrap(): void {
    const { database } = this.config;
    if (database.kind !== 'sqlite') return;
    this.thread = new WalCheckpointThread(
      { file: database.file, intervalMs: CHECKPOINT_INTERVAL_MS },
      (reason) => this.logger.warn(`${reason}; checkpoints continue on the event loop`),
      (message) => this.logger.warn(`a background WAL checkpoint failed: ${message}`),
    );
    this.thread.start();
  }

  /** Before TypeORM closes the writer (onApplicationShutdown): its close is then the last one, which checkpoints and removes the WAL. */
  async onModuleDestroy(): Promise<void> {
    await this.thread?.stop();
  }
}
