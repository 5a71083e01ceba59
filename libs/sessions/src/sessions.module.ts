import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessLogModule } from '@vigil/access-log';
import { AuthModule } from '@vigil/auth';
import { AgentSessionsController } from './agent-sessions.controller';
import { OpenSessionEntity } from './entities/open-session.entity';
import { SessionKeyEntity } from './entities/session-key.entity';
import { RevokedUserSessionsListener } from './revoked-user-sessions.listener';
import { SessionDirectory } from './session-directory.service';
import { SessionTimeoutSweeper } from './session-timeout.sweeper';
import { SessionsController } from './sessions.controller';
import { SessionsGateway } from './sessions.gateway';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([OpenSessionEntity, SessionKeyEntity]), AuthModule, AccessLogModule],
  controllers: [AgentSessionsController, SessionsController],
  providers: [SessionsService, SessionDirectory, SessionTimeoutSweeper, SessionsGateway, RevokedUserSessionsListener],
  exports: [SessionsService, SessionDirectory, SessionTimeoutSweeper],
})
export class SessionsModule {}
