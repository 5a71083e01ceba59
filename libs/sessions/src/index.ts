export * from './sessions.service';
export * from './session-directory.service';
export * from './session-lifecycle';
export * from './session-timeout.sweeper';
export * from './terminate-permission';
export * from './sessions.module';
export type { SessionsServerEvents } from './sessions.gateway';
export { OpenSessionDto } from './dto/open-session.dto';
export { EndSessionDto } from './dto/end-session.dto';
