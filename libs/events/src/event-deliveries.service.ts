import { Injectable } from '@nestjs/common';
import { AuditContext, Clock, decodePageToken, encodePageToken } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { AttemptView, DeliveryStatus, DeliveryStore, DeliveryView } from './delivery-store';
import { DeliveryWorker } from './delivery-worker';
import { DeliveryNotFoundError, RuleInputError } from './rule-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REDRIVE_IDS = 1000;
const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'dead'];

export interface DeliveryQuery {
  ruleId?: string;
  status?: string;
  limit?: string;
  nextToken?: string;
}

/** The delivery log (admins): deliveries newest first, each one's attempts, and redrive of dead ones. */
@Injectable()
export class EventDeliveriesService {
  constructor(
    private readonly store: DeliveryStore,
    private readonly worker: DeliveryWorker,
    private readonly outbox: AuditOutbox,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async list(query: DeliveryQuery): Promise<{ items: DeliveryView[]; nextToken?: string }> {
    if (query.ruleId !== undefined && !UUID.test(query.ruleId)) throw new RuleInputError('ruleId', 'must be a rule id (UUID)');
    if (query.status !== undefined && !STATUSES.includes(query.status as DeliveryStatus)) throw new RuleInputError('status', 'must be pending, delivered or dead');
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RuleInputError('limit', 'must be an integer from 1 to 1000');
    const beforeId = query.nextToken === undefined ? undefined : decodePageToken(query.nextToken).id;
    const rows = await this.store.list({ ruleId: query.ruleId, status: query.status as DeliveryStatus | undefined, beforeId, limit: limit + 1 });
    const items = rows.slice(0, limit);
    return rows.length > limit ? { items, nextToken: encodePageToken({ t: 0, id: items[items.length - 1].id }) } : { items };
  }

  async attempts(id: string): Promise<{ items: AttemptView[] }> {
    if (!(await this.store.exists(id))) throw new DeliveryNotFoundError(id);
    return { items: await this.store.attempts(id) };
  }

  /** Dead deliveries (the ids given, or all of a rule) back in line, audited with the change. */
  async redrive(body: unknown, actor: { username: string; context: AuditContext }): Promise<{ redriven: number }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RuleInputError('body', 'must be a JSON object {ids?, ruleId?}');
    const { ids, ruleId, ...rest } = body as Record<string, unknown>;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) throw new RuleInputError(unknownKey, 'unknown field');
    if (ids === undefined && ruleId === undefined) throw new RuleInputError('body', 'give ids, ruleId or both');
    if (ids !== undefined) {
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REDRIVE_IDS) throw new RuleInputError('ids', `must be a list of 1-${MAX_REDRIVE_IDS} delivery ids`);
      ids.forEach((id, i) => {
        if (typeof id !== 'string' || !UUID.test(id)) throw new RuleInputError(`ids[${i}]`, 'must be a delivery id (UUID)');
      });
    }
    if (ruleId !== undefined && (typeof ruleId !== 'string' || !UUID.test(ruleId))) throw new RuleInputError('ruleId', 'must be a rule id (UUID)');
    const selector = { ids: ids as string[] | undefined, ruleId: ruleId as string | undefined };
    const redriven = await this.uow.run(async (m) => {
      const n = await this.store.redriveWithin(m, selector, this.clock.now());
      await this.outbox.appendWithin(m, {
        action: 'event-delivery.redrive',
        actor: `user:${actor.username}`,
        context: actor.context,
        requestParameters: { ...(selector.ids ? { ids: selector.ids.slice(0, 100), idCount: selector.ids.length } : {}), ...(selector.ruleId ? { ruleId: selector.ruleId } : {}) },
        responseElements: { redriven: n },
      });
      return n;
    });
    this.worker.wake();
    return { redriven };
  }
}
