import { Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { AuthModule } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { ObservabilityModule } from '@vigil/observability';
import { CredentialCipher, loadCredentialKey } from '@vigil/targets';
import { DeliveryFanoutHook } from './delivery-fanout.hook';
import { DeliveryStore } from './delivery-store';
import { DeliveryWorker } from './delivery-worker';
import { EventDeliveriesService } from './event-deliveries.service';
import { EventDeliveriesController, EventRulesController } from './event-rules.controller';
import { EventRulesService } from './event-rules.service';
import { EventsMetrics } from './events-metrics';
import { DnsHostResolver, HostResolver } from './host-resolver';
import { HttpPoster } from './http-poster';
import { Mailer } from './mailer';
import { PatternTester } from './pattern-tester';
import { PublicBaseUrl } from './public-base-url';
import { RuleStore } from './rule-store';
import { TargetSender } from './target-sender';

/**
 * EventBridge-style event rules over the audit trail: `/api/event-rules` and
 * `/api/event-deliveries` for admins, deliveries created in the chaining transaction (a hook on
 * AuditChainer) and sent by a leased, retried, ordered worker.
 */
@Module({
  imports: [AuditModule, AuthModule, ObservabilityModule],
  controllers: [EventRulesController, EventDeliveriesController],
  providers: [
    RuleStore,
    DeliveryStore,
    EventRulesService,
    EventDeliveriesService,
    PatternTester,
    DeliveryFanoutHook,
    DeliveryWorker,
    TargetSender,
    HttpPoster,
    Mailer,
    PublicBaseUrl,
    EventsMetrics,
    { provide: HostResolver, useClass: DnsHostResolver },
    // webhook secrets under the key of target credentials and access keys (VIGIL_MASTER_KEY or the key file)
    { provide: CredentialCipher, inject: [VigilConfig], useFactory: (config: VigilConfig) => new CredentialCipher(loadCredentialKey(config)) },
  ],
  exports: [DeliveryWorker],
})
export class EventsModule {}
