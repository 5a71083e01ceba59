import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { toPrincipal, UsersService } from '@vigil/auth';
import { AwsCredential, AwsCredentialSource } from '@vigil/aws-protocol';
import { Clock } from '@vigil/common';
import { CredentialCipher } from '@vigil/targets';
import { ACCESS_KEY_ID, secretBinding } from './access-key-format';
import { AccessKeyEntity } from './entities/access-key.entity';
import { LastUseRecorder } from './last-use-recorder';

/**
 * The SigV4 check's view of access keys. Looked up on every request, with the account: a
 * deactivated key, or the key of a disabled or deleted user, stops working with the next request
 * (no cache to expire), on every gateway.
 */
@Injectable()
export class AccessKeyCredentials extends AwsCredentialSource {
  private readonly logger = new Logger(AccessKeyCredentials.name);
  private readonly lastUse: LastUseRecorder;

  constructor(
    @InjectRepository(AccessKeyEntity) private readonly keys: Repository<AccessKeyEntity>,
    private readonly users: UsersService,
    private readonly cipher: CredentialCipher,
    clock: Clock,
  ) {
    super();
    this.lastUse = new LastUseRecorder(clock, async (id, at) => {
      await this.keys.update({ id }, { lastUsedAt: at });
    });
  }

  async find(accessKeyId: string): Promise<AwsCredential | null> {
    if (!ACCESS_KEY_ID.test(accessKeyId)) return null;
    const key = await this.keys.findOneBy({ id: accessKeyId });
    if (!key || !key.active) return null;
    const user = await this.users.findById(key.userId);
    if (!user || user.disabledAt !== null) return null;
    return { accessKeyId, secretAccessKey: this.cipher.decrypt(key.secretEnc, secretBinding(accessKeyId)), user: toPrincipal(user) };
  }

  recordUse(accessKeyId: string): void {
    this.lastUse.used(accessKeyId)?.catch((error: Error) => this.logger.warn(`could not record the last use of ${accessKeyId}: ${error.message}`));
  }
}
