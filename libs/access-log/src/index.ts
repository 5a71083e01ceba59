export * from './access-log.service';
export * from './access-log.module';
export * from './access-log-filter';
export { AccessLogEntryEntity } from './entities/access-log-entry.entity';
export { toAccessLogView } from './access-log-view';
export { AccessLogRetention } from './access-log-retention';
export * from './access-log-match';
