import type { AuditView } from '@vigil/audit';
import { envelopesOf } from './envelope';
import type { StoredTarget } from './event-rule';
import type { NewDelivery } from './delivery-store';
import { CompiledPattern, compilePattern } from './pattern';
import type { RuleRowVersion } from './rule-store';

interface CompiledRule {
  id: string;
  updatedAt: number;
  /** null: the stored pattern no longer compiles (a stricter engine after an upgrade): matches nothing */
  pattern: CompiledPattern | null;
  targetIds: string[];
}

/**
 * Turns chained records into deliveries: every record's envelopes against every enabled rule,
 * one delivery per (envelope, rule, target). Compiled patterns are kept per (rule id, updatedAt),
 * so a batch only re-reads the rules (cheap) and compiles what changed. Pure apart from that cache.
 */
export class RuleMatcher {
  private readonly compiled = new Map<string, CompiledRule>();

  constructor(private readonly onBrokenRule: (ruleId: string, error: Error) => void = () => undefined) {}

  deliveriesFor(records: AuditView[], rules: RuleRowVersion[]): NewDelivery[] {
    const active = rules.map((r) => this.compile(r));
    this.forget(rules);
    const out: NewDelivery[] = [];
    if (active.length === 0) return out;
    for (const record of records) {
      for (const { envelope, auditSeq, subSeq, orderKey } of envelopesOf(record)) {
        let json: string | undefined;
        for (const rule of active) {
          if (!rule.pattern || !this.safeMatch(rule, envelope)) continue;
          json ??= JSON.stringify(envelope);
          for (const targetId of rule.targetIds) {
            out.push({ ruleId: rule.id, targetId, eventId: envelope.id, detailType: envelope['detail-type'], auditSeq, subSeq, orderKey, envelope: json });
          }
        }
      }
    }
    return out;
  }

  private compile(row: RuleRowVersion): CompiledRule {
    const cached = this.compiled.get(row.id);
    if (cached && cached.updatedAt === row.updatedAt) return cached;
    let pattern: CompiledPattern | null = null;
    try {
      pattern = compilePattern(JSON.parse(row.eventPattern), 'eventPattern');
    } catch (error) {
      this.onBrokenRule(row.id, error as Error);
    }
    const targets = JSON.parse(row.targets) as StoredTarget[];
    const rule = { id: row.id, updatedAt: row.updatedAt, pattern, targetIds: targets.map((t) => t.id) };
    this.compiled.set(row.id, rule);
    return rule;
  }

  /** Rules no longer enabled (or deleted) leave the cache. */
  private forget(rules: RuleRowVersion[]): void {
    if (this.compiled.size <= rules.length) return;
    const keep = new Set(rules.map((r) => r.id));
    for (const id of this.compiled.keys()) if (!keep.has(id)) this.compiled.delete(id);
  }

  private safeMatch(rule: CompiledRule, envelope: unknown): boolean {
    try {
      return rule.pattern!.matches(envelope);
    } catch (error) {
      this.onBrokenRule(rule.id, error as Error);
      return false;
    }
  }
}
