import { Column, Entity } from 'typeorm';
import { SessionAttributeColumns, epochMs } from '@vigil/database';

@Entity('open_sessions')
export class OpenSessionEntity extends SessionAttributeColumns {
  @Column({ name: 'last_heartbeat', type: 'bigint', transformer: epochMs })
  lastHeartbeat: number;

  @Column({ name: 'disconnected_at', type: 'bigint', nullable: true, transformer: epochMs })
  disconnectedAt: number | null;
}
