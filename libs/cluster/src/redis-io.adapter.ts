import { INestApplicationContext, Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server, ServerOptions } from 'socket.io';
import { answerFailedServerSideEmits } from './answered-server-side-emits';
import { catchFailedPublishes } from './failed-publishes';
import { VigilIoAdapter } from './vigil-io-adapter';

/** The adapter's own declaration of a client (node-redis 6's generics are narrower; same API). */
type RedisClient = Parameters<typeof createAdapter>[0];

/**
 * socket.io over Redis: a room broadcast on one gateway (a session opened, a viewer list changed)
 * reaches the sockets of every gateway sharing REDIS_URL. The Redis pub/sub adapter is socket.io's
 * own; this class only connects it and closes its clients with the app.
 */
export class RedisIoAdapter extends VigilIoAdapter {
  private constructor(
    app: INestApplicationContext,
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    allowedOrigins: readonly string[] | null,
  ) {
    super(app, allowedOrigins);
  }

  /** Connects before the app listens, so a wrong REDIS_URL fails the boot with its reason. */
  static async connect(app: INestApplicationContext, url: string, allowedOrigins: readonly string[] | null = null): Promise<RedisIoAdapter> {
    // No offline queue: while Redis is away a broadcast fails at once instead of waiting in memory
    // (5 s of live output, say) to be rejected by the command timeout or delivered stale.
    const pub = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } });
    const sub = pub.duplicate();
    // node-redis retries forever and reports each failure as an 'error' event: at boot, the first
    // one is the answer (a wrong host or port should stop the gateway, not hang it).
    const failed = new Promise<never>((_, reject) => {
      // `on`, not `once`: a client without an error listener would crash the process on its next retry
      pub.on('error', reject);
      sub.on('error', reject);
    });
    try {
      await withTimeout(Promise.race([Promise.all([pub.connect(), sub.connect()]), failed]), 10_000);
    } catch (error) {
      await Promise.allSettled([pub.disconnect(), sub.disconnect()]);
      throw new Error(`cannot connect to REDIS_URL: ${(error as Error).message}`);
    }
    failed.catch(() => undefined);
    const logger = new Logger(RedisIoAdapter.name);
    for (const client of [pub, sub]) {
      client.removeAllListeners('error');
      client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
    }
    catchFailedPublishes(pub, logger);
    return new RedisIoAdapter(app, pub as RedisClient, sub as RedisClient, allowedOrigins);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    const redisAdapter = createAdapter(this.pub, this.sub);
    // a `function`: socket.io calls the adapter factory with `new`
    server.adapter(function (nsp: Parameters<typeof redisAdapter>[0]) {
      return answerFailedServerSideEmits(redisAdapter(nsp));
    } as unknown as typeof redisAdapter);
    return server;
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
