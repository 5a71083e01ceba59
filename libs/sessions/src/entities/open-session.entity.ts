import { Column, Entity } from 'typeorm';
import type { LiveStreamKind } from '@vigil/common';
import { SessionAttributeColumns, epochMs } from '@vigil/database';

@Entity('open_sessions')
export class OpenSessionEntity extends SessionAttributeColumns {
  @Column({ name: 'last_heartbeat', type: 'bigint', transformer: epochMs })
  lastHeartbeat: number;

  @Column({ name: 'disconnected_at', type: 'bigint', nullable: true, transformer: epochMs })
  disconnectedAt: number | null;

  /** set by Vigil's own openers only (jump, browser terminal, RDP tunnel): see LiveStreamKind */
  @Column({ name: 'live_stream', type: 'varchar', length: 16, nullable: true })
  liveStream: LiveStreamKind | null;
}
