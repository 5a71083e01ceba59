import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

/** (agent, externalId) → session id, kept after the session ends: the idempotency record. */
@Entity('session_keys')
export class SessionKeyEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @PrimaryColumn({ name: 'external_id', type: 'varchar', length: 128 })
  externalId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
