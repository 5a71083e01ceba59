import { TokenBucket, TokenBucketOptions } from '@vigil/common';
import type { AgentEventName, AgentRefusal } from './agent-wire';

/**
 * What one agent may send per second over /agents, whatever the number of its sockets: opens and
 * ends each write a session and an audit record; a heartbeat batch touches up to 1,000 sessions,
 * and an agent sends one per heartbeat interval (30 s) per 1,000 sessions. Refusals are cheap:
 * a flood is stopped here, before the database, and leaves the gateway to the other agents.
 */
export const AGENT_CHANNEL_LIMITS = {
  write: { capacity: 500, refillPerSecond: 250 },
  heartbeat: { capacity: 10, refillPerSecond: 2 },
} satisfies Record<string, TokenBucketOptions>;

export type AgentLimitKind = keyof typeof AGENT_CHANNEL_LIMITS;
export type AgentChannelLimits = Record<AgentLimitKind, TokenBucketOptions>;

const KIND: Record<AgentEventName, AgentLimitKind> = { open: 'write', end: 'write', heartbeat: 'heartbeat' };

/** Token buckets per agent and kind. Time is injected; `forget` when the agent's last socket leaves. */
export class AgentRateLimits {
  private readonly buckets = new Map<string, Partial<Record<AgentLimitKind, TokenBucket>>>();

  constructor(
    private readonly limits: AgentChannelLimits = AGENT_CHANNEL_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** null when allowed, else the ack that says when to retry. */
  refusal(agentId: string, event: AgentEventName): AgentRefusal | null {
    const kind = KIND[event];
    let mine = this.buckets.get(agentId);
    if (!mine) this.buckets.set(agentId, (mine = {}));
    const now = this.now();
    const bucket = (mine[kind] ??= new TokenBucket(this.limits[kind], now));
    const verdict = bucket.take(now);
    if (verdict.ok) return null;
    return {
      ok: false,
      status: 429,
      retryAfterMs: verdict.retryAfterMs,
      error: `rate limited: too many ${kind === 'write' ? 'open/end' : 'heartbeat'} events from this agent, retry in ${verdict.retryAfterMs} ms`,
    };
  }

  forget(agentId: string): void {
    this.buckets.delete(agentId);
  }
}
