import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { CredentialCipher, loadCredentialKey } from '@vigil/targets';
import { AccessKeyCredentials } from './access-key-credentials';
import { AccessKeysController } from './access-keys.controller';
import { AccessKeysService } from './access-keys.service';
import { AccessKeyEntity } from './entities/access-key.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccessKeyEntity]), AuthModule],
  controllers: [AccessKeysController],
  providers: [
    AccessKeysService,
    AccessKeyCredentials,
    // The same key as target credentials (VIGIL_MASTER_KEY or the key file): one secret to manage.
    { provide: CredentialCipher, inject: [VigilConfig], useFactory: (config: VigilConfig) => new CredentialCipher(loadCredentialKey(config)) },
  ],
  exports: [AccessKeyCredentials],
})
export class AccessKeysModule {}
