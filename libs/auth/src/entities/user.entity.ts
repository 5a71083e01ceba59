import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** comma-separated Role values */
  @Column({ type: 'varchar', length: 255 })
  roles: string;

  /** comma-separated Privilege values */
  @Column({ type: 'varchar', length: 255 })
  privileges: string;

  /** JSON array of column ids for the sessions page, null for the default */
  @Column({ name: 'session_columns', type: 'text', nullable: true })
  sessionColumns: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** set: the account is disabled (no login, no token, no socket, no jump) */
  @Column({ name: 'disabled_at', type: 'bigint', nullable: true, transformer: epochMs })
  disabledAt: number | null;
}
