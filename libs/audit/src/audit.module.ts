import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessLogModule } from '@vigil/access-log';
import { AuthModule } from '@vigil/auth';
import { SessionsModule } from '@vigil/sessions';
import { AuditChainer } from './audit-chainer';
import { AuditCheckpointer } from './audit-checkpointer';
import { AuditController } from './audit.controller';
import { AuditCheckpointEntity, AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { AuditSigningKey } from './audit-signing-key';
import { AuditService } from './audit.service';
import { WatchReportController } from './watch-report.controller';
import { WatchReportService } from './watch-report/watch-report.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditHeadEntity, AuditCheckpointEntity]), AuthModule, SessionsModule, AccessLogModule],
  controllers: [AuditController, WatchReportController],
  providers: [WatchReportService, AuditService, AuditChainer, AuditCheckpointer, AuditSigningKey],
  exports: [AuditService, AuditChainer, AuditCheckpointer],
})
export class AuditModule {}
