export { RdpModule } from './rdp.module';
export { RdpJoinTokens, RdpJoinRefusedError } from './rdp-join-tokens';
export type { RdpJoinToken } from './rdp-join-tokens';
export { RdpSessions, SESSION_CLOSED_STATUS } from './rdp-sessions';
export type { LiveRdpSession, RdpViewer } from './rdp-sessions';
export { RDP_IDLE_LIMIT_MS, RDP_TOKEN_UNREAD_EVENT, RdpTunnelService } from './rdp-tunnel.service';
export { TUNNEL_PATH } from './tunnel-path';
export type { ViewerMode } from './tunnel-token-store';
