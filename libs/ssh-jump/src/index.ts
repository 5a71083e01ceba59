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
