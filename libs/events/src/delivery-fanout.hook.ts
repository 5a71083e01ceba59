import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditChainHook, AuditChainer, AuditView } from '@vigil/audit';
import { Clock } from '@vigil/common';
import { UnitOfWork } from '@vigil/database';
import { DeliveryStore } from './delivery-store';
import { DeliveryWorker } from './delivery-worker';
import { RuleMatcher } from './rule-matcher';
import { RuleStore } from './rule-store';

/** A broken rule is logged at most this often (it would otherwise log on every batch). */
const BROKEN_RULE_LOG_MS = 60_000;

/**
 * Creates the deliveries of every chained audit record inside the chaining transaction: an
 * event is chained with all its deliveries or not at all, so a crash between the two cannot lose
 * one. The rules are read in that transaction too, so a rule change and the records chained
 * after it agree. The worker is woken once the deliveries are visible (after commit).
 */
@Injectable()
export class DeliveryFanoutHook implements AuditChainHook, OnModuleInit {
  private readonly logger = new Logger(DeliveryFanoutHook.name);
  private readonly brokenLoggedAt = new Map<string, number>();
  private readonly matcher = new RuleMatcher((ruleId, error) => this.broken(ruleId, error));

  constructor(
    private readonly chainer: AuditChainer,
    private readonly rules: RuleStore,
    private readonly deliveries: DeliveryStore,
    private readonly worker: DeliveryWorker,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.chainer.addHook(this);
  }

  async onChained(m: EntityManager, records: () => AuditView[]): Promise<void> {
    const rules = await this.rules.enabledWithin(m);
    if (rules.length === 0) return;
    const rows = this.matcher.deliveriesFor(records(), rules);
    if (rows.length === 0) return;
    await this.deliveries.insertWithin(m, rows, this.clock.now());
    this.uow.afterCommit(m, () => this.worker.wake());
  }

  private broken(ruleId: string, error: Error): void {
    const now = this.clock.now();
    if ((this.brokenLoggedAt.get(ruleId) ?? -Infinity) > now - BROKEN_RULE_LOG_MS) return;
    this.brokenLoggedAt.set(ruleId, now);
    this.logger.warn(`event rule ${ruleId} cannot be used and matches nothing: ${error.message}`);
  }
}
