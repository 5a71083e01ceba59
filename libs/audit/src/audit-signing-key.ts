import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { keyIdOf } from './checkpoint-signature';

export const DEFAULT_SIGNING_KEY_FILE = 'audit-signing-key.pem';

/**
 * The Ed25519 key that signs audit checkpoints. It lives outside the database (in the data dir,
 * owner-only, or in a configured file) so that someone who can rewrite the database cannot sign a
 * rewritten chain. Gateways sharing a PostgreSQL database should share one key file
 * (VIGIL_AUDIT_SIGNING_KEY_FILE); each one verifies only checkpoints signed by the key it holds.
 */
@Injectable()
export class AuditSigningKey {
  private readonly logger = new Logger(AuditSigningKey.name);
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(config: VigilConfig) {
    const file = config.audit.signingKeyFile ?? path.join(config.dataDir, DEFAULT_SIGNING_KEY_FILE);
    this.privateKey = this.load(file, config.audit.signingKeyFile === null);
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} must hold an Ed25519 private key (PKCS#8 PEM)`);
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  private load(file: string, createIfMissing: boolean): KeyObject {
    try {
      return createPrivateKey(fs.readFileSync(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !createIfMissing) throw new Error(`cannot read the audit signing key ${file}: ${(error as Error).message}`);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      // wx: two processes starting at once on one data dir must not each write their own key
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      this.logger.log(`created the audit signing key ${file} (keep a copy of its public key for offline verification)`);
      return privateKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return createPrivateKey(fs.readFileSync(file));
      throw error;
    }
  }
}
