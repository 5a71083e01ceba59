export { RedisIoAdapter } from './redis-io.adapter';
