import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

/** A session the importer registered, with the AWS attributes the registry has no column for. */
@Entity('ssm_import_sessions')
export class SsmImportedSessionEntity {
  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 36 })
  sourceId: string;

  /** AWS's SessionId (the registry's externalId) */
  @PrimaryColumn({ name: 'aws_session_id', type: 'varchar', length: 128 })
  awsSessionId: string;

  /** Vigil's session id */
  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 400 })
  target: string;

  @Column({ name: 'owner_arn', type: 'varchar', length: 256, nullable: true })
  ownerArn: string | null;

  @Column({ name: 'document_name', type: 'varchar', length: 128, nullable: true })
  documentName: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  reason: string | null;

  @Column({ name: 'aws_status', type: 'varchar', length: 16 })
  awsStatus: string;

  @Column({ name: 'start_date', type: 'bigint', transformer: epochMs })
  startDate: number;

  @Column({ name: 'end_date', type: 'bigint', nullable: true, transformer: epochMs })
  endDate: number | null;

  @Column({ type: 'boolean' })
  ended: boolean;

  @Column({ name: 'first_seen_at', type: 'bigint', transformer: epochMs })
  firstSeenAt: number;

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: epochMs })
  lastSeenAt: number;
}
