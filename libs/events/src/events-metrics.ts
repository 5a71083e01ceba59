import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@vigil/observability';
import { DeliveryStore } from './delivery-store';

/** `/metrics`: delivery outcomes, how long an event took to reach its target, what is waiting. */
@Injectable()
export class EventsMetrics {
  /** status: delivered | failed (an attempt that will be retried) | dead */
  readonly outcomes: Counter<'status'>;
  /** from the audit record's chaining (the delivery row) to the receiver's 2xx, by target type */
  readonly latency: Histogram<'type'>;

  constructor(metrics: MetricsService, store: DeliveryStore) {
    this.outcomes = new Counter({
      name: 'vigil_event_deliveries_total',
      help: 'Event delivery attempts by outcome: delivered, failed (will be retried), dead (retries exhausted)',
      labelNames: ['status'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'vigil_event_delivery_latency_seconds',
      help: 'Time from an event being chained to its target answering 2xx, by target type',
      labelNames: ['type'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'vigil_event_deliveries_pending',
      help: 'Event deliveries not yet delivered nor dead (all gateways)',
      registers: [metrics.registry],
      async collect() {
        this.set(await store.countPending());
      },
    });
  }
}
