import { queryString, request, requestJson } from './client';
import type { Page } from './types';

// Wire shapes of /api/event-rules and /api/event-deliveries (docs/API.md, "Event rules").
export type TargetType = 'webhook' | 'slack' | 'email';

export interface InputTransformerSpec {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** A target as the API shows it: never the secret, only whether there is one. */
export interface EventTarget {
  id: string;
  type: TargetType;
  url?: string;
  to?: string[];
  subject?: string;
  inputTransformer?: InputTransformerSpec;
  hasSecret: boolean;
}

export interface EventRule {
  id: string;
  name: string;
  description: string | null;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: EventTarget[];
  createdAt: string;
  updatedAt: string;
  /** webhook secrets by target id: only in the answer that made them */
  secrets?: Record<string, string>;
}

/** A target as the create call takes it. */
export type NewTarget =
  | { type: 'webhook'; url: string; secret?: string; inputTransformer?: InputTransformerSpec }
  | { type: 'slack'; url: string; inputTransformer?: InputTransformerSpec }
  | { type: 'email'; to: string[]; subject?: string; inputTransformer?: InputTransformerSpec };

export interface NewRule {
  name: string;
  description?: string;
  eventPattern: Record<string, unknown>;
  enabled?: boolean;
  targets: NewTarget[];
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  id: string;
  ruleId: string;
  targetId: string;
  eventId: string;
  detailType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface PatternTest {
  match: boolean;
  event: Record<string, unknown>;
}

const rulePath = (id: string) => `/api/event-rules/${encodeURIComponent(id)}`;

export const eventRulesApi = {
  /** the rules; the answer is `{items}` like every list, or (as first built) the bare array */
  list: (token: string) =>
    requestJson<{ items: EventRule[] } | EventRule[]>('/api/event-rules', { token }).then((r) => (Array.isArray(r) ? r : r.items)),

  get: (token: string, id: string) => requestJson<EventRule>(rulePath(id), { token }),

  create: (token: string, rule: NewRule) => requestJson<EventRule>('/api/event-rules', { method: 'POST', token, body: rule }),

  setEnabled: (token: string, id: string, enabled: boolean) => requestJson<EventRule>(rulePath(id), { method: 'PATCH', token, body: { enabled } }),

  remove: (token: string, id: string) => request(rulePath(id), { method: 'DELETE', token }).then(() => undefined),

  /** against `event`, or (without it) the most recent real event, whichever the server used comes back */
  testPattern: (token: string, eventPattern: Record<string, unknown>, event?: Record<string, unknown>) =>
    requestJson<PatternTest>('/api/event-rules/test-pattern', { method: 'POST', token, body: event ? { eventPattern, event } : { eventPattern } }),

  deliveries: (token: string, params: { ruleId?: string; status?: DeliveryStatus; limit?: number; nextToken?: string }) =>
    requestJson<Page<Delivery>>(`/api/event-deliveries${queryString(params)}`, { token }),

  redrive: (token: string, body: { ids?: string[]; ruleId?: string }) =>
    requestJson<{ redriven: number }>('/api/event-deliveries/redrive', { method: 'POST', token, body }),
};
