import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vigil/auth';
import { AccessLogRetention } from './access-log-retention';
import { AccessLogController } from './access-log.controller';
import { AccessLogService } from './access-log.service';
import { AccessLogEntryEntity } from './entities/access-log-entry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccessLogEntryEntity]), AuthModule],
  controllers: [AccessLogController],
  providers: [AccessLogService, AccessLogRetention],
  exports: [AccessLogService],
})
export class AccessLogModule {}
