export * from './jump-ports';
export { JumpServer, type JumpServerOptions, type JumpServerEvents } from './jump-server';
export type { JumpSessionHandle } from './jump-session-handle';
export { DEFAULT_PRE_AUTH, type PreAuthOptions } from './pre-auth-gate';
export { DEFAULT_REQUEST_RATE, type RequestRateOptions } from './request-rate-guard';
export { sanitizeTerminalText, terminalNotice } from './terminal-text';
export {
  LiveSshSession,
  type OutputListener,
  type OutputStream,
  type InputListener,
  type ResizeListener,
  type EndListener,
} from './live-ssh-session';
export { AuthRateLimiter, type AuthRateLimiterOptions, type RateLimitClock } from './auth-rate-limiter';
export { parseLoginName, type LoginNameParse } from './login-name';
export { sha256Fingerprint, normalizeFingerprint } from './host-key-fingerprint';
export { JumpModule } from './nest/jump.module';
export { JumpService } from './nest/jump.service';
export { JumpRecordings } from './nest/jump-recordings';
export type { UserChannel } from './user-channel';
export { startRelayedSession, type RelayedSessionDeps } from './relayed-session';
export { connectUpstream, errorMessage, type UpstreamOptions, type UpstreamResult } from './upstream-connect';
export { ResizeCoalescer, clampTerminalSize, MAX_TERMINAL_COLS, MAX_TERMINAL_ROWS } from './resize-coalescer';
export { refusal } from './refusal-messages';
export { JumpPortsAdapter } from './nest/jump-ports.adapter';
export { RequestRateGuard } from './request-rate-guard';
export { systemJumpClock, type JumpClock } from './jump-clock';
