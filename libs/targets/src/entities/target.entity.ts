import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '@vigil/database';

export const TARGET_PROTOCOLS = ['ssh', 'rdp', 'vnc'] as const;
export type TargetProtocol = (typeof TARGET_PROTOCOLS)[number];
export const RDP_SECURITY_MODES = ['any', 'nla', 'tls', 'rdp'] as const;
export type RdpSecurity = (typeof RDP_SECURITY_MODES)[number];

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

  /** `ssh` (the jump), `rdp` or `vnc` (through guacd) */
  @Column({ type: 'varchar', length: 8, default: 'ssh' })
  protocol: TargetProtocol;

  /** RDP only: guacd's `security` (any, nla, tls, rdp); null = any */
  @Column({ name: 'rdp_security', type: 'varchar', length: 8, nullable: true })
  rdpSecurity: RdpSecurity | null;

  /** RDP only: accept the server's certificate without checking it */
  @Column({ name: 'ignore_cert', type: 'boolean', default: false })
  ignoreCert: boolean;

  /** RDP only: the Windows domain of the account */
  @Column({ type: 'varchar', length: 256, nullable: true })
  domain: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
