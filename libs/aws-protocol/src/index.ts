export * from './aws-error';
export * from './aws-credential-source';
export * from './aws-json-service';
export { AwsJsonEdge, AWS_JSON_CONTENT_TYPE, type AwsAnswer, type AwsRequestMeta } from './aws-json-edge';
export { SigV4Verifier, MAX_CLOCK_SKEW_MS, amzDate, type SigV4Verdict } from './sigv4-verifier';
export { parseAuthorization, type SigV4Authorization } from './authorization-header';
export type { ReceivedRequest } from './received-request';
export { AWS_BODY_LIMIT } from './aws-json.controller';
export * from './aws-protocol.module';
