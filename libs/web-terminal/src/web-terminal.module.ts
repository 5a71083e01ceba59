import { Module } from '@nestjs/common';
import { AuthModule } from '@vigil/auth';
import { JumpModule } from '@vigil/ssh-jump';
import { WebTerminalGateway } from './web-terminal.gateway';
import { WebTerminalService } from './web-terminal.service';

/** SSH targets in the browser: socket.io `/terminal`, on the jump's relay, recording and shadowing. */
@Module({
  imports: [AuthModule, JumpModule],
  providers: [WebTerminalService, WebTerminalGateway],
})
export class WebTerminalModule {}
