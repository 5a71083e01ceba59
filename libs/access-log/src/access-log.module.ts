import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { AccessLogColumnsController } from './access-log-columns.controller';
import { AccessLogColumnsService } from './access-log-columns.service';
import { AccessLogRetention } from './access-log-retention';
import { AccessLogController } from './access-log.controller';
import { AccessLogService } from './access-log.service';
import { AccessLogColumnsEntity } from './entities/access-log-columns.entity';
import { AccessLogEntryEntity } from './entities/access-log-entry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccessLogEntryEntity, AccessLogColumnsEntity]), AuthModule],
  controllers: [AccessLogController, AccessLogColumnsController],
  providers: [AccessLogService, AccessLogRetention, AccessLogColumnsService],
  exports: [AccessLogService],
})
export class AccessLogModule {}
