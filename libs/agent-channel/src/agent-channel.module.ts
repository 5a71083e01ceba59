import { Module } from '@nestjs/common';
import { AuthModule } from '@vigil/auth';
import { SessionsModule } from '@vigil/sessions';
import { AgentsGateway } from './agents.gateway';

/** socket.io `/agents`: the persistent agent channel beside the agent HTTP API. */
@Module({
  imports: [AuthModule, SessionsModule],
  providers: [AgentsGateway],
})
export class AgentChannelModule {}
