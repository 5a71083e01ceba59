import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: epochMs })
  seq: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ type: 'varchar', length: 128 })
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  sessionId: string | null;

  /** JSON object */
  @Column({ type: 'text' })
  detail: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

@Entity('audit_head')
export class AuditHeadEntity {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'bigint', transformer: epochMs })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
