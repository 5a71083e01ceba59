import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { VigilConfig } from '@vigil/config';
import { LoginThrottle } from './login-throttle';
import { RateLimiterThrottleStore, ThrottleStore } from './login-throttle-store';

const KEY_PREFIX = 'vigil-login';

type RedisClient = ReturnType<typeof createClient>;

/**
 * The throttle's own Redis connection (with REDIS_URL). Commands fail at once while Redis is
 * unreachable instead of queueing (`disableOfflineQueue`), so a login never hangs on it: the
 * limiter falls back to this process's memory meanwhile (its insurance limiter).
 */
@Injectable()
export class LoginThrottleRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LoginThrottle');
  readonly client: RedisClient | null;
  private reportedDown = false;

  constructor(config: VigilConfig) {
    this.client = config.redisUrl
      ? createClient({ url: config.redisUrl, disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } })
      : null;
    // One line per outage, not one per reconnection attempt.
    this.client?.on('error', (error: Error) => {
      if (this.reportedDown) return;
      this.reportedDown = true;
      this.logger.warn(`redis unreachable (${error.message}): login throttling counts in this process's memory until it is back`);
    });
    this.client?.on('ready', () => {
      if (this.reportedDown) this.logger.log('redis is back: login throttling is shared again');
      this.reportedDown = false;
    });
  }

  async onModuleInit(): Promise<void> {
    await this.client?.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client?.isOpen) return;
    // While Redis is away the client is reconnecting: nothing to flush, just stop it.
    if (this.client.isReady) await this.client.close().catch(() => undefined);
    else this.client.destroy();
  }
}

function throttleStore(config: VigilConfig, redis: LoginThrottleRedis): ThrottleStore {
  const memory = new RateLimiterMemory({ keyPrefix: KEY_PREFIX, points: 1, duration: config.loginThrottle.windowSeconds });
  if (!redis.client) return new RateLimiterThrottleStore(memory);
  return new RateLimiterThrottleStore(
    new RateLimiterRedis({
      storeClient: redis.client,
      // node-redis v4+ (the `redis` package): rate-limiter-flexible would otherwise speak the ioredis
      // API, and its auto-detection (constructor name `Commander`) does not recognise node-redis 5+.
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
      keyPrefix: KEY_PREFIX,
      points: 1,
      duration: config.loginThrottle.windowSeconds,
    }),
  );
}

/** The login throttle and what it stands on, for AuthModule. */
export const LOGIN_THROTTLE_PROVIDERS: Provider[] = [
  LoginThrottleRedis,
  { provide: ThrottleStore, inject: [VigilConfig, LoginThrottleRedis], useFactory: throttleStore },
  {
    provide: LoginThrottle,
    inject: [ThrottleStore, VigilConfig],
    useFactory: (store: ThrottleStore, config: VigilConfig) => new LoginThrottle(store, config.loginThrottle, new Logger('LoginThrottle')),
  },
];
