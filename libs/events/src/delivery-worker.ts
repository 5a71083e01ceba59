import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { UnitOfWork } from '@vigil/database';
import { ClaimedDelivery, DeliveryStore, SettleItem, Settlement } from './delivery-store';
import type { EventEnvelope } from './envelope';
import type { EventRule, TargetType } from './event-rule';
import { EventsMetrics } from './events-metrics';
import { RetryPolicy, decideRetry } from './retry-policy';
import { RuleStore } from './rule-store';
import { SendOutcome, TargetSender } from './target-sender';

interface FinishedItem extends SettleItem {
  targetType: TargetType | null;
}

/** How long finished requests may wait to be recorded together. */
const BATCH_MS = 5;

/** Database trouble is logged at most this often. */
const TROUBLE_LOG_MS = 10_000;

/**
 * Delivers pending events: claims due deliveries with a lease (so each is attempted by one
 * gateway at a time), sends them with at most `concurrency` in flight, and records each attempt.
 * Woken when this gateway creates deliveries or finishes one; polls every `pollMs` for the rest
 * (other gateways' events, retries falling due, expired leases of a crashed gateway).
 *
 * A slow receiver holds at most half the slots (so other targets keep moving) and each of its
 * requests at most `requestTimeoutMs`. On shutdown requests in flight are abandoned unrecorded:
 * their leases expire and they are attempted again (at least once; same event id).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  /** which gateway holds a lease (also in the attempt log) */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private inflight = 0;
  /** requests in flight per target */
  private readonly perTarget = new Map<string, number>();
  /** claimed and not finished (ready or in flight) per target */
  private readonly held = new Map<string, number>();
  /** claimed, waiting for a slot */
  private readonly ready: { row: ClaimedDelivery; rule: EventRule | null }[] = [];
  private pumping: Promise<void> | null = null;
  /** outcomes waiting to be written by the next pass */
  private readonly finished: FinishedItem[] = [];
  private again = false;
  private stopped = true;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private batchTimer: NodeJS.Timeout | null = null;
  private retryAt = Infinity;
  private readonly abort = new AbortController();
  private troubleLoggedAt = -Infinity;
  private readonly policy: RetryPolicy;
  private readonly leaseMs: number;
  private readonly perTargetCap: number;
  private readonly random: () => number = Math.random;

  constructor(
    private readonly store: DeliveryStore,
    private readonly rules: RuleStore,
    private readonly sender: TargetSender,
    private readonly metrics: EventsMetrics,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {
    const e = config.events;
    this.policy = { baseMs: e.retryBaseMs, maxMs: e.retryMaxMs, windowMs: e.retryWindowMs, maxAttempts: e.maxAttempts };
    // a lease shorter than a request could be taken over while the request still runs (a duplicate)
    this.leaseMs = Math.max(e.leaseMs, e.requestTimeoutMs + 1_000);
    this.perTargetCap = Math.max(1, Math.ceil(e.concurrency / 2));
    // one listener per request in flight, up to `concurrency`
    setMaxListeners(e.concurrency + 10, this.abort.signal);
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.wake(), this.config.events.pollMs);
    this.pollTimer.unref();
    this.wake();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.abort.abort();
  }

  /** Records what finished and claims what is due; calls arriving during a pass coalesce into one more. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: Error) => this.trouble(`event delivery bookkeeping failed (retrying): ${error.message}`))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * One transaction per pass: the outcomes finished since the last pass are written (group
   * commit: under load one pass records many), then due deliveries are claimed and their rules
   * read. Claimed rows wait in `ready` (up to `concurrency` of them beside those in flight), so a
   * finished request's slot is refilled at once instead of after the next pass. A pass that fails
   * puts its outcomes back for the next one.
   */
  private async pump(): Promise<void> {
    while (!this.stopped) {
      const done = this.finished.splice(0);
      const limit = 2 * this.config.events.concurrency - this.inflight - this.ready.length;
      if (done.length === 0 && limit <= 0) return;
      const saturated = [...this.held].filter(([, n]) => n >= 2 * this.perTargetCap).map(([id]) => id);
      let result: { changed: boolean[]; claimed: ClaimedDelivery[]; rules: Map<string, EventRule> };
      try {
        result = await this.uow.run(async (m) => {
          const changed = done.length > 0 ? await this.store.settleWithin(m, this.owner, done) : [];
          const claimed = await this.store.claimWithin(m, this.owner, this.clock.now(), this.leaseMs, Math.max(0, limit), saturated);
          const rules = await this.rules.getManyWithin(m, [...new Set(claimed.map((c) => c.ruleId))]);
          return { changed, claimed, rules: new Map(rules.map((r) => [r.id, r])) };
        });
      } catch (error) {
        this.finished.unshift(...done);
        throw error;
      }
      done.forEach((item, i) => this.settled(item, result.changed[i]));
      for (const row of result.claimed) {
        this.held.set(row.targetId, (this.held.get(row.targetId) ?? 0) + 1);
        this.ready.push({ row, rule: result.rules.get(row.ruleId) ?? null });
      }
      this.startReady();
      if (done.length === 0 && result.claimed.length < limit) return;
    }
  }

  /** Starts claimed deliveries while slots are free, at most `perTargetCap` in flight per target. */
  private startReady(): void {
    for (let i = 0; i < this.ready.length && this.inflight < this.config.events.concurrency; ) {
      const { row, rule } = this.ready[i];
      if ((this.perTarget.get(row.targetId) ?? 0) >= this.perTargetCap) {
        i++;
        continue;
      }
      this.ready.splice(i, 1);
      this.start(row, rule);
    }
  }

  private start(row: ClaimedDelivery, rule: EventRule | null): void {
    this.inflight++;
    this.perTarget.set(row.targetId, (this.perTarget.get(row.targetId) ?? 0) + 1);
    void this.deliver(row, rule)
      .then((item) => {
        if (item) this.finished.push(item);
      })
      .catch((error: Error) => this.trouble(`event delivery ${row.id} failed: ${error.message}`))
      .finally(() => {
        this.inflight--;
        decrement(this.perTarget, row.targetId);
        decrement(this.held, row.targetId);
        this.startReady();
        this.soon();
      });
  }

  /**
   * After a request finishes: a pass within BATCH_MS, so that under load the outcomes of many
   * requests share one transaction (and one claim) instead of one each. The ready queue keeps
   * the slots busy meanwhile; a pass comes at once when it runs low.
   */
  private soon(): void {
    if (this.ready.length < this.config.events.concurrency / 2) {
      this.wake();
      return;
    }
    if (this.batchTimer || this.stopped) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = null;
      this.wake();
    }, BATCH_MS);
  }

  /** Sends one delivery and decides what becomes of it; null when shutting down (the lease expires, it is attempted again). */
  private async deliver(row: ClaimedDelivery, rule: EventRule | null): Promise<FinishedItem | null> {
    const target = rule?.targets.find((t) => t.id === row.targetId);
    const started = this.clock.now();
    let outcome: SendOutcome;
    if (!rule || !target) {
      outcome = { ok: false, statusCode: null, error: 'the target was removed from the rule' };
    } else {
      outcome = await this.sender.send(rule, target, JSON.parse(row.envelope) as EventEnvelope, this.abort.signal);
    }
    if (this.stopped) return null;
    const at = this.clock.now();
    let settlement: Settlement;
    if (outcome.ok) settlement = { status: 'delivered' };
    else if (!rule) settlement = { status: 'dropped' };
    else if (!target) settlement = { status: 'dead' };
    else {
      const decision = decideRetry(row.attempts, row.firstAttemptAt, at, this.policy, this.random);
      settlement = decision.kind === 'retry' ? { status: 'pending', nextAttemptAt: decision.at } : { status: 'dead' };
      if (decision.kind === 'dead') outcome = { ...outcome, error: `${outcome.error ?? 'failed'}; ${decision.reason}` };
    }
    return { delivery: row, outcome: { at, statusCode: outcome.statusCode, latencyMs: at - started, error: outcome.error }, settlement, targetType: target?.type ?? null };
  }

  /** Metrics and logs once an outcome is on record. */
  private settled(item: FinishedItem, changed: boolean): void {
    const { delivery, outcome, settlement } = item;
    if (!changed || settlement.status === 'dropped') return;
    if (settlement.status === 'delivered') {
      this.metrics.outcomes.inc({ status: 'delivered' });
      this.metrics.latency.observe({ type: item.targetType ?? 'unknown' }, Math.max(0, outcome.at - delivery.createdAt) / 1000);
    } else if (settlement.status === 'dead') {
      this.metrics.outcomes.inc({ status: 'dead' });
      this.logger.warn(`event ${delivery.eventId} to target ${delivery.targetId} is dead after ${delivery.attempts} attempts: ${outcome.error}`);
    } else {
      this.metrics.outcomes.inc({ status: 'failed' });
      this.retryAtLatest(settlement.nextAttemptAt);
    }
  }

  /** A retry due before the next poll gets a timer of its own. */
  private retryAtLatest(at: number): void {
    const delay = at - this.clock.now();
    if (this.stopped || delay >= this.config.events.pollMs || at >= this.retryAt) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.retryAt = Infinity;
        this.wake();
      },
      Math.max(0, delay),
    );
    this.retryTimer.unref();
  }

  private trouble(message: string): void {
    const now = this.clock.now();
    if (now - this.troubleLoggedAt < TROUBLE_LOG_MS) return;
    this.troubleLoggedAt = now;
    this.logger.warn(message);
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
