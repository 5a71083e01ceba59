import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { CredentialCipher } from './credential-cipher';
import { loadCredentialKey } from './credential-key';
import { TargetEntity } from './entities/target.entity';
import { TargetsController } from './targets.controller';
import { TargetsService } from './targets.service';

@Module({
  imports: [TypeOrmModule.forFeature([TargetEntity]), AuthModule],
  controllers: [TargetsController],
  providers: [
    TargetsService,
    { provide: CredentialCipher, inject: [VigilConfig], useFactory: (config: VigilConfig) => new CredentialCipher(loadCredentialKey(config)) },
  ],
  exports: [TargetsService],
})
export class TargetsModule {}
