import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AccessLogService } from './access-log.service';

const DAY_MS = 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

/** Deletes entries older than VIGIL_ACCESS_LOG_RETENTION_DAYS (0, the default, keeps them forever). */
@Injectable()
export class AccessLogRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccessLogRetention.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly accessLog: AccessLogService,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.accessLogRetentionDays === 0) return;
    void this.purge();
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<number> {
    if (this.config.accessLogRetentionDays === 0) return 0;
    const cutoff = this.clock.now() - this.config.accessLogRetentionDays * DAY_MS;
    try {
      const removed = await this.accessLog.purgeEndedBefore(cutoff);
      if (removed > 0) this.logger.log(`retention removed ${removed} access-log entries ended before ${new Date(cutoff).toISOString()}`);
      return removed;
    } catch (error) {
      this.logger.error(`retention purge failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
