import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { AuditController } from './audit.controller';
import { AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { AuditRequestListener } from './audit-request.listener';
import { AuditService } from './audit.service';
import { SessionAuditListener } from './session-audit.listener';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditHeadEntity]), AuthModule],
  controllers: [AuditController],
  providers: [AuditService, SessionAuditListener, AuditRequestListener],
  exports: [AuditService],
})
export class AuditModule {}
