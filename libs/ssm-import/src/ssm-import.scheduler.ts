import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { TypeOrmImportStore } from './import-store';
import { SessionRegistryAdapter } from './session-registry.adapter';
import { SessionLister, SourceConnection, sdkLister } from './session-lister';
import { SourcePoller, systemScheduler } from './source-poller';
import { SOURCES_CHANGED, SsmImportSourcesService } from './ssm-import-sources.service';

/** How often a gateway re-reads the sources: changes made on another gateway reach it within this. */
const RELOAD_MS = 15_000;

/** Makes the client a source is polled through; replaced in specs. */
export abstract class ListerFactory {
  abstract create(connection: SourceConnection): SessionLister;
}

export class SdkListerFactory extends ListerFactory {
  create(connection: SourceConnection): SessionLister {
    return sdkLister(connection);
  }
}

/**
 * Runs one SourcePoller per enabled source on this gateway, and keeps the set in step with the
 * configuration: at once for changes made here, within RELOAD_MS for changes made on another
 * gateway. A changed source's poller is replaced (new credentials, endpoint or interval).
 */
@Injectable()
export class SsmImportScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SsmImportScheduler.name);
  private readonly pollers = new Map<string, { poller: SourcePoller; version: number }>();
  /** this gateway in the sources' leases */
  private readonly holder = `${os.hostname().slice(0, 48)}/${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly sources: SsmImportSourcesService,
    private readonly store: TypeOrmImportStore,
    private readonly registry: SessionRegistryAdapter,
    private readonly listers: ListerFactory,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.syncEnvironment().catch((error: Error) => this.logger.error(`environment source (VIGIL_SSM_IMPORT_*) not applied: ${error.message}`));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), RELOAD_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.pollers.values()].map(({ poller }) => poller.stop()));
    this.pollers.clear();
  }

  @OnEvent(SOURCES_CHANGED)
  onSourcesChanged(): void {
    void this.refresh();
  }

  /** Brings the pollers in line with the enabled sources; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.reconcile()).catch((error: Error) => this.logger.error(`sources not reloaded: ${error.message}`));
    return this.refreshing;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const wanted = await this.sources.runnable();
    const ids = new Set(wanted.map((s) => s.id));
    for (const [id, running] of this.pollers) {
      const next = wanted.find((s) => s.id === id);
      if (!ids.has(id) || next?.version !== running.version) {
        this.pollers.delete(id);
        await running.poller.stop();
      }
    }
    for (const source of wanted) {
      if (this.pollers.has(source.id) || this.stopped) continue;
      const poller = new SourcePoller(source, {
        lister: this.listers.create(source.connection),
        registry: this.registry,
        store: this.store,
        clock: this.clock,
        scheduler: systemScheduler,
        holder: this.holder,
        onError: (message) => this.logger.warn(message),
      });
      this.pollers.set(source.id, { poller, version: source.version });
      poller.start();
    }
  }

  /** VIGIL_SSM_IMPORT_*: creates, updates or removes the environment's source to match. */
  private async syncEnvironment(): Promise<void> {
    const wanted = this.config.ssmImport;
    for (const source of await this.sources.environmentSources()) {
      if (!wanted || source.name.toLowerCase() !== wanted.name.toLowerCase()) await this.sources.remove(source.name, null);
    }
    if (!wanted) return;
    const existing = await this.sources.findByName(wanted.name);
    if (!existing) {
      await this.sources.create({ name: wanted.name, region: wanted.region, endpoint: wanted.endpoint ?? undefined, pollIntervalSeconds: wanted.pollIntervalSeconds }, null, 'environment');
    } else if (existing.origin === 'api') {
      this.logger.error(`VIGIL_SSM_IMPORT_NAME "${wanted.name}" names a source made through the API: the environment's source is not used (rename one of them)`);
    } else {
      await this.sources.replaceFromEnvironment(existing, { region: wanted.region, endpoint: wanted.endpoint, pollIntervalSeconds: wanted.pollIntervalSeconds });
    }
  }
}
