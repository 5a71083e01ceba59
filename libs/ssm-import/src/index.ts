export * from './ssm-import.module';
export { Backoff, type BackoffPolicy } from './backoff';
export { type AwsSession, fromSdkSession, registryInput, importedEnd, parseArn } from './aws-session';
export { planPoll, historyFrom, HISTORY_MARGIN_MS } from './poll-plan';
export type { PublicSsmImportSource, SourceHealth } from './source-view';
