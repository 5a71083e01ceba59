import { Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { AuthModule } from '@vigil/auth';
import { SessionsModule } from '@vigil/sessions';
import { LiveHub } from './live-hub.service';
import { LiveGateway } from './live.gateway';

/** Live shadowing: the hub of watchable sessions and the /live socket namespace. */
@Module({
  imports: [AuthModule, SessionsModule, AuditModule],
  providers: [LiveHub, LiveGateway],
  exports: [LiveHub],
})
export class LiveModule {}
