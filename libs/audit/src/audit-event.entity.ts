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

  // Derived from the hashed `detail` for indexed filtering (the verifier checks they agree with
  // it); null on records written before v0.5, whose detail predates the CloudTrail shape.
  @Column({ name: 'event_id', type: 'varchar', length: 36, nullable: true })
  eventId: string | null;

  @Column({ name: 'event_name', type: 'varchar', length: 64, nullable: true })
  eventName: string | null;

  @Column({ name: 'event_source', type: 'varchar', length: 64, nullable: true })
  eventSource: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 256, nullable: true })
  userName: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 128, nullable: true })
  errorCode: string | null;

  @Column({ name: 'read_only', type: 'boolean', nullable: true })
  readOnly: boolean | null;
}

@Entity('audit_checkpoints')
export class AuditCheckpointEntity {
  @PrimaryColumn({ type: 'bigint', transformer: epochMs })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId: string;

  /** base64 Ed25519 signature of checkpointPayload(seq, hash, at) */
  @Column({ type: 'varchar', length: 128 })
  signature: string;
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
