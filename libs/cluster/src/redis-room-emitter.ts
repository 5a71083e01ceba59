import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { createClient } from 'redis';
import type { RoomEmitter } from '@vigil/common';

/**
 * socket.io's Redis emitter for a process that has no socket server (the standalone jump): its
 * /sessions emits are published on the channel the gateways' Redis adapters listen to.
 */
@Injectable()
export class RedisRoomEmitter implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisRoomEmitter.name);

  private constructor(
    private readonly client: { quit(): Promise<unknown> },
    private readonly emitter: Emitter,
  ) {}

  static async connect(url: string): Promise<RedisRoomEmitter> {
    const client = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } });
    // At boot the first connection error is the answer (node-redis would retry forever).
    // `on`, not `once`: a client without an error listener would crash the process on its next retry
    const failed = new Promise<never>((_, reject) => client.on('error', reject));
    failed.catch(() => undefined);
    try {
      await Promise.race([
        client.connect(),
        failed,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10000 ms')), 10_000).unref()),
      ]);
    } catch (error) {
      await client.disconnect().catch(() => undefined);
      throw new Error(`cannot connect to REDIS_URL: ${(error as Error).message}`);
    }
    // The emitter declares node-redis 4's client type; node-redis 6's is the same API, narrower generics.
    const emitter = new RedisRoomEmitter(client, new Emitter(client as ConstructorParameters<typeof Emitter>[0]));
    client.removeAllListeners('error');
    client.on('error', (error: Error) => emitter.logger.warn(`redis: ${error.message}`));
    return emitter;
  }

  /** Emits to rooms of `namespace` on every gateway. */
  namespace(name: string): RoomEmitter {
    const of = this.emitter.of(name);
    return { to: (rooms) => of.to(rooms) as unknown as ReturnType<RoomEmitter['to']> };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
