import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

/** An access key for the AWS-shaped APIs. The secret is kept encrypted: SigV4 needs it back. */
@Entity('access_keys')
export class AccessKeyEntity {
  /** the access key id itself (AKIA + 16 base32 characters): public, like AWS's */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** AES-256-GCM (CredentialCipher), bound to the key id */
  @Column({ name: 'secret_enc', type: 'varchar', length: 512 })
  secretEnc: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'varchar', length: 128, nullable: true })
  description: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedAt: number | null;
}
