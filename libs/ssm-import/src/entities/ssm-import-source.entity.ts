import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

/** An AWS account and region the importer polls (configured by admins, or by the environment). */
@Entity('ssm_import_sources')
export class SsmImportSourceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** never changes: the internal agent and `aws-ssm:<name>` are named after it */
  @Column({ type: 'varchar', length: 32, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  region: string;

  /** null = AWS's own endpoint for the region */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  endpoint: string | null;

  /** null (with secretEnc) = the AWS SDK's standard provider chain */
  @Column({ name: 'access_key_id', type: 'varchar', length: 128, nullable: true })
  accessKeyId: string | null;

  /** AES-256-GCM (CredentialCipher), bound to the source's id */
  @Column({ name: 'secret_enc', type: 'varchar', length: 1024, nullable: true })
  secretEnc: string | null;

  @Column({ name: 'poll_interval_seconds', type: 'integer' })
  pollIntervalSeconds: number;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'varchar', length: 16 })
  origin: 'api' | 'environment';

  @Column({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
