import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { AuditChainer } from './audit-chainer';
import { AuditCheckpointer } from './audit-checkpointer';
import { AuditController } from './audit.controller';
import { AuditCheckpointEntity, AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { AuditRequestListener } from './audit-request.listener';
import { AuditSigningKey } from './audit-signing-key';
import { AuditService } from './audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditHeadEntity, AuditCheckpointEntity]), AuthModule],
  controllers: [AuditController],
  providers: [AuditService, AuditChainer, AuditCheckpointer, AuditSigningKey, AuditRequestListener],
  exports: [AuditService, AuditChainer, AuditCheckpointer],
})
export class AuditModule {}
