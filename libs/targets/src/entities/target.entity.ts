import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

@Entity('targets')
export class TargetEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 256 })
  host: string;

  @Column({ type: 'integer' })
  port: number;

  @Column({ name: 'account_name', type: 'varchar', length: 128 })
  accountName: string;

  /** Vigil user who owns this target's sessions (sees them on the sessions page); null = the connecting user */
  @Column({ type: 'varchar', length: 64, nullable: true })
  owner: string | null;

  /** AES-256-GCM, see CredentialCipher */
  @Column({ name: 'password_enc', type: 'text', nullable: true })
  passwordEnc: string | null;

  @Column({ name: 'private_key_enc', type: 'text', nullable: true })
  privateKeyEnc: string | null;

  /** SHA-256 of the target's host key, pinned on first connection */
  @Column({ name: 'host_key_sha256', type: 'varchar', length: 128, nullable: true })
  hostKeySha256: string | null;

  /** JSON TargetPolicy */
  @Column({ type: 'text' })
  policy: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
