export { RedisIoAdapter } from './redis-io.adapter';
export { VigilIoAdapter } from './vigil-io-adapter';
export { originAllowed } from './origin-policy';
