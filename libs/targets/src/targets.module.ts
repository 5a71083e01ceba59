import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { CredentialCipher } from './credential-cipher';
import { loadCredentialKey } from './credential-key';
import { TargetGrantEntity } from './entities/target-grant.entity';
import { TargetEntity } from './entities/target.entity';
import { MyTargetsController, TargetsController } from './targets.controller';
import { TargetsService } from './targets.service';

@Module({
  imports: [TypeOrmModule.forFeature([TargetEntity, TargetGrantEntity]), AuthModule],
  controllers: [TargetsController, MyTargetsController],
  providers: [
    TargetsService,
    { provide: CredentialCipher, inject: [VigilConfig], useFactory: (config: VigilConfig) => new CredentialCipher(loadCredentialKey(config)) },
  ],
  exports: [TargetsService],
})
export class TargetsModule {}
