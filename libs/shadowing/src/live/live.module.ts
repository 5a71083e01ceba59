import { Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { AuthModule } from '@vigil/auth';
import { SessionsModule } from '@vigil/sessions';
import { LiveCore } from './live-core';
import { LiveHub } from './live-hub.service';
import { LiveGateway } from './live.gateway';
import { LiveWatchersController } from './live-watchers.controller';
import { WallGateway } from './thumbnails/wall.gateway';

/** Live shadowing: the hub of watchable sessions and the /live socket namespace. */
@Module({
  imports: [AuthModule, SessionsModule, AuditModule],
  controllers: [LiveWatchersController],
  providers: [LiveHub, LiveCore, LiveGateway, WallGateway],
  exports: [LiveHub, LiveCore],
})
export class LiveModule {}
