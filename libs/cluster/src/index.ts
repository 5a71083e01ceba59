export { RedisIoAdapter } from './redis-io.adapter';
export { RedisRoomEmitter } from './redis-room-emitter';
export { ClusterModule } from './cluster.module';
