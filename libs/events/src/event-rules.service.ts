import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction, AuditContext, Clock } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { CredentialCipher } from '@vigil/targets';
import { DeliveryStore } from './delivery-store';
import { EventRule, PublicEventRule, StoredTarget, secretBinding, toPublicRule } from './event-rule';
import { Mailer } from './mailer';
import { HostResolver } from './host-resolver';
import { RuleInputError, RuleNameTakenError, RuleNotFoundError } from './rule-errors';
import { TargetInput, hostsToResolve, parseRuleInput, parseRulePatch } from './rule-input';
import { RuleStore } from './rule-store';

/** Who changes a rule, as the audit record names them. */
export interface RuleActor {
  username: string;
  context: AuditContext;
}

/**
 * Event rules (admins): validated (every field, patterns by the pattern engine, target hosts
 * resolved), stored with webhook secrets encrypted, each change audited in its own transaction.
 * A webhook secret, generated (32 random bytes) or given, is in the answer that set it only.
 */
@Injectable()
export class EventRulesService {
  constructor(
    private readonly store: RuleStore,
    private readonly deliveries: DeliveryStore,
    private readonly outbox: AuditOutbox,
    private readonly uow: UnitOfWork,
    private readonly cipher: CredentialCipher,
    private readonly resolver: HostResolver,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  async create(body: unknown, actor: RuleActor): Promise<PublicEventRule> {
    const input = parseRuleInput(body, { smtpConfigured: this.mailer.configured });
    await this.checkHosts(input.targets);
    const id = randomUUID();
    const now = this.clock.now();
    const secrets: Record<string, string> = {};
    const targets = input.targets.map((t) => this.newTarget(id, t, secrets));
    const rule: EventRule = { id, name: input.name, description: input.description, eventPattern: input.eventPattern, enabled: input.enabled, targets, createdAt: now, updatedAt: now };
    await this.write(async (m) => {
      if (await this.store.nameTaken(m, rule.name, null)) throw new RuleNameTakenError(rule.name);
      await this.store.insert(m, rule);
      await this.audit(m, 'event-rule.create', actor, rule, { ...described(rule) });
    });
    return toPublicRule(rule, secrets);
  }

  async list(): Promise<PublicEventRule[]> {
    return (await this.store.list()).map((r) => toPublicRule(r));
  }

  async get(id: string): Promise<PublicEventRule> {
    const rule = await this.store.get(id);
    if (!rule) throw new RuleNotFoundError(id);
    return toPublicRule(rule);
  }

  async update(id: string, body: unknown, actor: RuleActor): Promise<PublicEventRule> {
    const patch = parseRulePatch(body, { smtpConfigured: this.mailer.configured });
    if (patch.targets) await this.checkHosts(patch.targets);
    const secrets: Record<string, string> = {};
    const rule = await this.write(async (m) => {
      const current = await this.require(m, id);
      if (patch.name !== undefined && (await this.store.nameTaken(m, patch.name, id))) throw new RuleNameTakenError(patch.name);
      const next: EventRule = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.eventPattern !== undefined ? { eventPattern: patch.eventPattern } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.targets ? { targets: this.replaceTargets(current, patch.targets, secrets) } : {}),
        updatedAt: Math.max(this.clock.now(), current.updatedAt + 1),
      };
      await this.store.update(m, next);
      const changed = Object.keys(patch);
      await this.audit(m, 'event-rule.update', actor, next, { changed, ...described(next, changed) });
      return next;
    });
    return toPublicRule(rule, secrets);
  }

  /** Deletes the rule with its deliveries (pending ones have nowhere to go) and their log. */
  async remove(id: string, actor: RuleActor): Promise<void> {
    await this.write(async (m) => {
      const current = await this.require(m, id);
      await this.deliveries.deleteForRuleWithin(m, id);
      await this.store.delete(m, id);
      await this.audit(m, 'event-rule.delete', actor, current, { name: current.name });
    });
  }

  /** New secrets for the rule's webhook targets (or the one named); the old ones stop at once. */
  async rotateSecret(id: string, targetId: string | undefined, actor: RuleActor): Promise<PublicEventRule> {
    const secrets: Record<string, string> = {};
    const rule = await this.write(async (m) => {
      const current = await this.require(m, id);
      const chosen = current.targets.filter((t) => t.type === 'webhook' && (targetId === undefined || t.id === targetId));
      if (chosen.length === 0) throw new RuleInputError('targetId', targetId ? 'is not a webhook target of this rule' : 'this rule has no webhook target');
      const targets = current.targets.map((t) => {
        if (!chosen.includes(t)) return t;
        const secret = generateSecret();
        secrets[t.id] = secret;
        return { ...t, secretEnc: this.cipher.encrypt(secret, secretBinding(id, t.id)) };
      });
      const next = { ...current, targets, updatedAt: Math.max(this.clock.now(), current.updatedAt + 1) };
      await this.store.update(m, next);
      await this.audit(m, 'event-rule.update', actor, next, { name: next.name, rotatedSecrets: chosen.map((t) => t.id) });
      return next;
    });
    return toPublicRule(rule, secrets);
  }

  private newTarget(ruleId: string, input: TargetInput, secrets: Record<string, string>): StoredTarget {
    const id = randomUUID();
    const target: StoredTarget = { id, type: input.type };
    if (input.url !== undefined) target.url = input.url;
    if (input.to !== undefined) target.to = input.to;
    if (input.subject !== undefined) target.subject = input.subject;
    if (input.inputTransformer) target.inputTransformer = input.inputTransformer;
    if (input.type === 'webhook') {
      const secret = input.secret ?? generateSecret();
      secrets[id] = secret;
      target.secretEnc = this.cipher.encrypt(secret, secretBinding(ruleId, id));
    }
    return target;
  }

  /** A target given with its id stays that target (and keeps its secret unless a new one is given). */
  private replaceTargets(current: EventRule, inputs: TargetInput[], secrets: Record<string, string>): StoredTarget[] {
    const seen = new Set<string>();
    return inputs.map((input, i) => {
      if (!input.id) return this.newTarget(current.id, input, secrets);
      const existing = current.targets.find((t) => t.id === input.id);
      if (!existing || seen.has(input.id)) throw new RuleInputError(`targets[${i}].id`, "must be the id of one of this rule's targets, once");
      if (existing.type !== input.type) throw new RuleInputError(`targets[${i}].type`, `target ${input.id} is a ${existing.type} target (give no id for a new target)`);
      seen.add(input.id);
      const target: StoredTarget = { id: existing.id, type: input.type };
      if (input.url !== undefined) target.url = input.url;
      if (input.to !== undefined) target.to = input.to;
      if (input.subject !== undefined) target.subject = input.subject;
      if (input.inputTransformer) target.inputTransformer = input.inputTransformer;
      if (input.type === 'webhook') {
        if (input.secret !== undefined) {
          secrets[existing.id] = input.secret;
          target.secretEnc = this.cipher.encrypt(input.secret, secretBinding(current.id, existing.id));
        } else if (existing.secretEnc) target.secretEnc = existing.secretEnc;
      }
      return target;
    });
  }

  private async checkHosts(targets: TargetInput[]): Promise<void> {
    const hosts = hostsToResolve(targets);
    const results = await Promise.all(hosts.map((h) => this.resolver.resolves(h.host)));
    const bad = hosts.find((_, i) => !results[i]);
    if (bad) throw new RuleInputError(bad.path, `host "${bad.host}" does not resolve`);
  }

  private async require(m: EntityManager, id: string): Promise<EventRule> {
    const rule = await this.store.getWithin(m, id);
    if (!rule) throw new RuleNotFoundError(id);
    return rule;
  }

  /** A unique-index violation on the name (two admins at once) is the same 409 as the check's. */
  private async write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.uow.run(work);
    } catch (error) {
      const e = error as { message?: string; detail?: string; driverError?: { detail?: string } };
      const text = `${e.message ?? ''} ${e.detail ?? ''} ${e.driverError?.detail ?? ''}`;
      if (/name_key|UNIQUE constraint failed: event_rules/i.test(text)) throw new RuleNameTakenError('(this name)');
      throw error;
    }
  }

  private async audit(m: EntityManager, action: AuditAction, actor: RuleActor, rule: EventRule, requestParameters: Record<string, unknown>): Promise<void> {
    await this.outbox.appendWithin(m, {
      action,
      actor: `user:${actor.username}`,
      context: actor.context,
      requestParameters: { ruleId: rule.id, ...requestParameters },
      resources: [{ type: 'EventRule', name: rule.name }],
    });
  }
}

function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A target URL as the audit trail keeps it: a Slack incoming-webhook URL is itself the credential
 * (its path is the token), and any URL's query may carry one, so only what identifies the
 * receiver is kept.
 */
function auditedUrl(type: string, url: string): string {
  const u = new URL(url);
  return type === 'slack' ? `${u.origin}/…` : `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}

/** The rule as the audit trail keeps it: the targets without their secrets (only whether there is one). */
function described(rule: EventRule, fields?: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: rule.name,
    description: rule.description,
    eventPattern: rule.eventPattern,
    enabled: rule.enabled,
    targets: toPublicRule(rule).targets.map((t) => (t.url ? { ...t, url: auditedUrl(t.type, t.url) } : t)),
  };
  if (!fields) return all;
  return Object.fromEntries(Object.entries(all).filter(([key]) => key === 'name' || fields.includes(key)));
}
