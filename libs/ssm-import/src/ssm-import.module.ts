import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { SessionsModule } from '@vigil/sessions';
import { CredentialCipher, loadCredentialKey } from '@vigil/targets';
import { SsmImportSourceEntity } from './entities/ssm-import-source.entity';
import { SsmImportStateEntity } from './entities/ssm-import-state.entity';
import { SsmImportedSessionEntity } from './entities/ssm-imported-session.entity';
import { TypeOrmImportStore } from './import-store';
import { SessionRegistryAdapter } from './session-registry.adapter';
import { SsmImportSourcesController, SsmImportedSessionsController } from './ssm-import.controller';
import { ListerFactory, SdkListerFactory, SsmImportScheduler } from './ssm-import.scheduler';
import { SsmImportSourcesService } from './ssm-import-sources.service';

/**
 * Imports the sessions of real AWS accounts (DescribeSessions through @aws-sdk/client-ssm) into
 * the registry as type SSM: `/api/ssm-import/*` for admins, one poller per enabled source.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SsmImportSourceEntity, SsmImportStateEntity, SsmImportedSessionEntity]), AuthModule, SessionsModule],
  controllers: [SsmImportSourcesController, SsmImportedSessionsController],
  providers: [
    SsmImportSourcesService,
    TypeOrmImportStore,
    SessionRegistryAdapter,
    SsmImportScheduler,
    { provide: ListerFactory, useClass: SdkListerFactory },
    // the key of target credentials and access keys (VIGIL_MASTER_KEY or the key file)
    { provide: CredentialCipher, inject: [VigilConfig], useFactory: (config: VigilConfig) => new CredentialCipher(loadCredentialKey(config)) },
  ],
})
export class SsmImportModule {}
