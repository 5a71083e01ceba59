import { Column, Entity } from 'typeorm';
import type { EndReason, RecordingStatus } from '@vigil/common';
import { SessionAttributeColumns, epochMs } from '@vigil/database';

@Entity('access_log')
export class AccessLogEntryEntity extends SessionAttributeColumns {
  @Column({ name: 'end_date', type: 'bigint', transformer: epochMs })
  endDate: number;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column({ name: 'end_reason', type: 'varchar', length: 16 })
  endReason: EndReason;

  @Column({ name: 'ended_by', type: 'varchar', length: 64, nullable: true })
  endedBy: string | null;

  @Column({ name: 'end_message', type: 'varchar', length: 500, nullable: true })
  endMessage: string | null;

  @Column({ name: 'recording_path', type: 'varchar', length: 512, nullable: true })
  recordingPath: string | null;

  @Column({ name: 'recording_sha256', type: 'varchar', length: 64, nullable: true })
  recordingSha256: string | null;

  @Column({ name: 'recording_status', type: 'varchar', length: 16, nullable: true })
  recordingStatus?: RecordingStatus | null;
}
