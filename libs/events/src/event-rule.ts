/** The rule model shared by the service, the store and the delivery worker. */

export type TargetType = 'webhook' | 'slack' | 'email';

export interface InputTransformerSpec {
  /** `{name: "$.detail.x"}`: values taken from the event, for `<name>` in the template */
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** A target as stored (the webhook secret only encrypted). */
export interface StoredTarget {
  id: string;
  type: TargetType;
  /** webhook and slack */
  url?: string;
  /** email */
  to?: string[];
  subject?: string;
  inputTransformer?: InputTransformerSpec;
  /** webhook: AES-256-GCM (CredentialCipher), bound to the rule and target ids */
  secretEnc?: string;
}

export interface EventRule {
  id: string;
  name: string;
  description: string | null;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: StoredTarget[];
  createdAt: number;
  updatedAt: number;
}

/** A target as the API shows it: never the secret, only whether there is one. */
export interface PublicTarget {
  id: string;
  type: TargetType;
  url?: string;
  to?: string[];
  subject?: string;
  inputTransformer?: InputTransformerSpec;
  hasSecret: boolean;
}

export interface PublicEventRule {
  id: string;
  name: string;
  description: string | null;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: PublicTarget[];
  createdAt: string;
  updatedAt: string;
  /** a webhook target's secret, by target id: in the answer that made it, and never again */
  secrets?: Record<string, string>;
}

export function toPublicRule(rule: EventRule, secrets?: Record<string, string>): PublicEventRule {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    eventPattern: rule.eventPattern,
    enabled: rule.enabled,
    targets: rule.targets.map((t) => ({
      id: t.id,
      type: t.type,
      ...(t.url !== undefined ? { url: t.url } : {}),
      ...(t.to !== undefined ? { to: t.to } : {}),
      ...(t.subject !== undefined ? { subject: t.subject } : {}),
      ...(t.inputTransformer ? { inputTransformer: t.inputTransformer } : {}),
      hasSecret: t.secretEnc !== undefined,
    })),
    createdAt: new Date(rule.createdAt).toISOString(),
    updatedAt: new Date(rule.updatedAt).toISOString(),
    ...(secrets && Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** Where a webhook secret is bound (AES-GCM additional data): a ciphertext moved to another target fails. */
export const secretBinding = (ruleId: string, targetId: string) => `event-rule-target:${ruleId}:${targetId}`;
