export * from './ssm.module';
export { OWNER_ARN_PREFIX, ownerArn, ownerFromFilter } from './owner-arn';
export { toSsmSession, type SsmSession } from './ssm-session';
export { DEFAULT_MAX_RESULTS, FILTER_KEYS, parseDescribeSessions } from './describe-sessions-request';
export { NextTokenCodec } from './next-token';
export { SSM_TERMINATE_MESSAGE } from './terminate-session.operation';
