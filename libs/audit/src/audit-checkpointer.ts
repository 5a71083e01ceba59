import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { UnitOfWork } from '@vigil/database';
import { AuditChainer } from './audit-chainer';
import { AuditSigningKey } from './audit-signing-key';
import { Checkpoint, signCheckpoint } from './checkpoint-signature';

/**
 * Signs the chain's head every VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS when it moved, and once at boot
 * and shutdown. Several gateways may sign the same head: the checkpoint's seq is its key, the
 * first one stays.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditCheckpointer.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly chainer: AuditChainer,
    private readonly key: AuditSigningKey,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    void this.checkpointSafely();
    this.timer = setInterval(() => void this.checkpointSafely(), this.config.audit.checkpointIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checkpointSafely();
  }

  /** Chains what is waiting, then signs the head if no checkpoint covers it; returns the newest checkpoint. */
  async checkpoint(): Promise<Checkpoint | null> {
    await this.chainer.drain();
    const { sql } = this.uow;
    return this.uow.run(async (m) => {
      const [head] = await sql.rows<{ seq: string | number; hash: string }>(m, 'SELECT seq, hash FROM audit_head WHERE id = 1', []);
      const seq = Number(head.seq);
      const [last] = await sql.rows<{ seq: string | number }>(m, 'SELECT MAX(seq) AS seq FROM audit_checkpoints', []);
      if (seq === 0 || (last?.seq !== null && last?.seq !== undefined && Number(last.seq) >= seq)) return null;
      const checkpoint = signCheckpoint(this.key.privateKey, seq, head.hash, this.clock.now());
      const insert = this.uow.isPostgres ? 'INSERT INTO' : 'INSERT OR IGNORE INTO';
      const conflict = this.uow.isPostgres ? ' ON CONFLICT (seq) DO NOTHING' : '';
      await sql.run(m, `${insert} audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)${conflict}`, [
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.at,
        checkpoint.keyId,
        checkpoint.signature,
      ]);
      return checkpoint;
    });
  }

  private async checkpointSafely(): Promise<void> {
    try {
      await this.checkpoint();
    } catch (error) {
      this.logger.warn(`signing an audit checkpoint failed: ${(error as Error).message}`);
    }
  }
}
