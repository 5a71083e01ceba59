import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

@Entity('user_ssh_keys')
export class UserSshKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64 })
  algorithm: string;

  /** base64 of the SSH wire-format public key */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** `SHA256:<base64>` as OpenSSH prints it */
  @Column({ type: 'varchar', length: 128 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  comment: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
