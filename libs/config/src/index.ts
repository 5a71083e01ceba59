export * from './vigil-config';
export * from './load-config';
export * from './config.module';
export { normalizeOrigin } from './allowed-origins';
export type { TlsConfig } from './tls-files';
export { AWS_REGION_PATTERN, SSM_SOURCE_NAME_PATTERN, ssmEndpointProblem } from './ssm-import-env';
