import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SessionEndedEvent, SessionEvents } from '@vigil/common';
import { SessionDirectory } from '@vigil/sessions';

/** Vigil's Prometheus registry (one per application instance, so tests can run several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly ends: Counter<'reason' | 'type'>;
  private readonly unreadTunnelTokens: Counter<'reason'>;

  constructor(directory: SessionDirectory) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
    new Gauge({
      name: 'vigil_open_sessions',
      help: 'Open sessions by type',
      labelNames: ['type'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { type, count } of await directory.countByType()) this.set({ type }, count);
      },
    });
    this.ends = new Counter({
      name: 'vigil_session_ends_total',
      help: 'Sessions ended, by end reason and type',
      labelNames: ['reason', 'type'],
      registers: [this.registry],
    });
    // Emitted by libs/rdp (RDP_TOKEN_UNREAD_EVENT): refused tunnel tokens nobody owns are counted, not audited.
    this.unreadTunnelTokens = new Counter({
      name: 'vigil_rdp_tunnel_unread_tokens_total',
      help: 'Guacamole tunnel upgrades refused for a malformed or unknown token (not audited one by one)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  @OnEvent('rdp.tunnel.token-unread')
  onUnreadTunnelToken({ reason }: { reason: string }): void {
    this.unreadTunnelTokens.inc({ reason });
  }

  @OnEvent(SessionEvents.ended)
  onEnded({ entry }: SessionEndedEvent): void {
    this.ends.inc({ reason: entry.endReason, type: entry.type });
  }
}
