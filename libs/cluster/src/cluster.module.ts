import { DynamicModule, Module } from '@nestjs/common';
import { SESSIONS_ROOM_EMITTER } from '@vigil/common';
import { RedisRoomEmitter } from './redis-room-emitter';

/**
 * What a process without a socket server needs to reach the gateways' sockets: with REDIS_URL,
 * the /sessions room emitter (global, so the sessions gateway finds it); without, nothing.
 */
@Module({})
export class ClusterModule {
  static forEmitterOnly(redisUrl: string | null): DynamicModule {
    if (!redisUrl) return { module: ClusterModule };
    return {
      module: ClusterModule,
      global: true,
      providers: [
        { provide: RedisRoomEmitter, useFactory: () => RedisRoomEmitter.connect(redisUrl) },
        { provide: SESSIONS_ROOM_EMITTER, useFactory: (redis: RedisRoomEmitter) => redis.namespace('/sessions'), inject: [RedisRoomEmitter] },
      ],
      exports: [SESSIONS_ROOM_EMITTER],
    };
  }
}
