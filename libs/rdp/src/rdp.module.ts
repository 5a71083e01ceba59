import { Global, Module } from '@nestjs/common';
import { AccessLogModule } from '@vigil/access-log';
import { AuthModule } from '@vigil/auth';
import { RecordingStoreModule } from '@vigil/recording';
import { SessionsModule } from '@vigil/sessions';
import { GUACAMOLE_JOIN_MINTER, LiveModule } from '@vigil/shadowing';
import { TargetsModule } from '@vigil/targets';
import { RdpConnectController } from './rdp-connect.controller';
import { RdpJoinTokens } from './rdp-join-tokens';
import { RdpSessions } from './rdp-sessions';
import { RdpTokens } from './rdp-tokens';
import { RdpTunnelService } from './rdp-tunnel.service';

/**
 * RDP and VNC in the browser: the Guacamole tunnel (/guacamole) on the gateway's port, to guacd at
 * GUACD_HOST:GUACD_PORT. Global only for GUACAMOLE_JOIN_MINTER, which the live layer (LiveHub)
 * injects optionally without importing this library.
 */
@Global()
@Module({
  imports: [AuthModule, TargetsModule, SessionsModule, AccessLogModule, LiveModule, RecordingStoreModule],
  controllers: [RdpConnectController],
  providers: [RdpTokens, RdpSessions, RdpJoinTokens, RdpTunnelService, { provide: GUACAMOLE_JOIN_MINTER, useExisting: RdpJoinTokens }],
  exports: [RdpJoinTokens, RdpSessions, GUACAMOLE_JOIN_MINTER],
})
export class RdpModule {}
