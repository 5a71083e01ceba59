import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

/** A source's poll state: which gateway polls it (the lease) and how its polls went (health). */
@Entity('ssm_import_state')
export class SsmImportStateEntity {
  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 36 })
  sourceId: string;

  @Column({ name: 'lease_holder', type: 'varchar', length: 64, nullable: true })
  leaseHolder: string | null;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: number | null;

  @Column({ name: 'last_poll_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastPollAt: number | null;

  @Column({ name: 'last_success_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastSuccessAt: number | null;

  /** when the last successful poll began: History is read from there on */
  @Column({ name: 'last_success_started_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastSuccessStartedAt: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 512, nullable: true })
  lastError: string | null;

  @Column({ name: 'last_error_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastErrorAt: number | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'next_poll_at', type: 'bigint', nullable: true, transformer: epochMs })
  nextPollAt: number | null;

  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs: number | null;

  @Column({ name: 'active_count', type: 'integer', default: 0 })
  activeCount: number;

  @Column({ name: 'history_count', type: 'integer', default: 0 })
  historyCount: number;

  @Column({ name: 'imported_total', type: 'integer', default: 0 })
  importedTotal: number;

  @Column({ name: 'ended_total', type: 'integer', default: 0 })
  endedTotal: number;

  @Column({ name: 'rejected_total', type: 'integer', default: 0 })
  rejectedTotal: number;
}
