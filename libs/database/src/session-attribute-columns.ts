import { Column, PrimaryColumn } from 'typeorm';
import type { SessionStatus, SessionType } from '@vigil/common';
import { epochMs } from './columns';

/**
 * The columns an open session and its access-log entry share (concrete-table inheritance):
 * the move from one table to the other copies them one for one.
 */
export abstract class SessionAttributeColumns {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @Column({ name: 'external_id', type: 'varchar', length: 128 })
  externalId: string;

  @Column({ type: 'varchar', length: 16 })
  type: SessionType;

  @Column({ type: 'varchar', length: 16 })
  status: SessionStatus;

  @Column({ name: 'user_name', type: 'varchar', length: 256 })
  user: string;

  @Column({ type: 'varchar', length: 256 })
  device: string;

  @Column({ type: 'varchar', length: 256 })
  client: string;

  @Column({ type: 'integer', nullable: true })
  port: number | null;

  @Column({ name: 'service_url', type: 'varchar', length: 2048, nullable: true })
  serviceUrl: string | null;

  @Column({ name: 'account_name', type: 'varchar', length: 256, nullable: true })
  accountName: string | null;

  @Column({ name: 'service_provider', type: 'varchar', length: 256, nullable: true })
  serviceProvider: string | null;

  /** a Vigil username, or an AWS principal's ARN for sessions imported from SSM (up to 256) */
  @Column({ type: 'varchar', length: 256 })
  owner: string;

  @Column({ name: 'start_date', type: 'bigint', transformer: epochMs })
  startDate: number;
}
