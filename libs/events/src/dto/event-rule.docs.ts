import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * OpenAPI shapes of the event-rule routes. Documentation only: the bodies are checked by
 * parseRuleInput (rule-input.ts), whose 400s name the exact field (`targets[0].url: must be
 * http(s)`, `eventPattern.detail.eventName[0].prefix: ...`), which nested DTOs cannot.
 */
export class InputTransformerDoc {
  @ApiPropertyOptional({ example: { user: '$.detail.user', session: '$.detail.sessionId' }, description: 'names for values of the event (JSONPath `$.a.b`)' })
  inputPathsMap?: Record<string, string>;

  @ApiProperty({ example: '{"text": "<user> started session <session>"}', description: 'with `<name>` placeholders; at most 8 KiB. Its output is the webhook body, the Slack text or the email body' })
  inputTemplate: string;
}

export class EventTargetDoc {
  @ApiProperty({ enum: ['webhook', 'slack', 'email'] })
  type: 'webhook' | 'slack' | 'email';

  @ApiPropertyOptional({ description: 'PATCH only: keep this existing target (and its webhook secret)' })
  id?: string;

  @ApiPropertyOptional({ example: 'https://hooks.example.com/vigil', description: 'webhook, slack: http(s), no credentials in it; the host must resolve' })
  url?: string;

  @ApiPropertyOptional({ description: 'webhook: the HMAC secret (16-256 characters); generated (32 random bytes) when absent. Returned once in `secrets`, stored encrypted' })
  secret?: string;

  @ApiPropertyOptional({ example: ['oncall@example.com'], description: 'email: one address or up to 10 (needs VIGIL_SMTP_URL)', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  to?: string | string[];

  @ApiPropertyOptional({ description: 'email: the subject (one line, ≤ 200); default `[Vigil] <summary>`' })
  subject?: string;

  @ApiPropertyOptional({ type: InputTransformerDoc })
  inputTransformer?: InputTransformerDoc;
}

export class CreateEventRuleDoc {
  @ApiProperty({ example: 'session-starts', description: '1-64 of A-Z a-z 0-9 . _ -, unique (case-insensitive)' })
  name: string;

  @ApiPropertyOptional({ maxLength: 512 })
  description?: string;

  @ApiProperty({ example: { source: ['vigil'], 'detail-type': ['Vigil Session State Change'], detail: { state: ['started'] } }, description: 'EventBridge event pattern syntax' })
  eventPattern: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  enabled?: boolean;

  @ApiProperty({ type: [EventTargetDoc], minItems: 1, maxItems: 5 })
  targets: EventTargetDoc[];
}

export class UpdateEventRuleDoc {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional() eventPattern?: Record<string, unknown>;
  @ApiPropertyOptional() enabled?: boolean;
  @ApiPropertyOptional({ type: [EventTargetDoc], description: 'replaces the whole list; give a target its `id` to keep it' })
  targets?: EventTargetDoc[];
}

export class TestPatternDoc {
  @ApiProperty() eventPattern: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'an event envelope; absent = the most recent real event (or a sample)' })
  event?: Record<string, unknown>;
}

export class RotateSecretDoc {
  @ApiPropertyOptional({ description: 'one webhook target; absent = every webhook target of the rule' })
  targetId?: string;
}

export class RedriveDoc {
  @ApiPropertyOptional({ type: [String], description: 'dead deliveries to retry (≤ 1000)' })
  ids?: string[];

  @ApiPropertyOptional({ description: 'every dead delivery of this rule' })
  ruleId?: string;
}
