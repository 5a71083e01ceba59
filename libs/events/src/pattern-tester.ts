import { Injectable } from '@nestjs/common';
import { AuditService } from '@vigil/audit';
import { VIGIL_ACCOUNT, VIGIL_REGION } from '@vigil/common';
import { EventEnvelope, SESSION_STATE_CHANGE, envelopesOf } from './envelope';
import { compilePattern } from './pattern';
import { RuleInputError } from './rule-errors';
import { fromPatternError } from './rule-input';

/** The recent records looked through for a real event when none is given. */
const RECENT = 50;

/**
 * "Test this pattern": matches a pattern against the event given, or against the most recent
 * real event (Vigil's own session state changes first, they are what rules are usually about),
 * or a sample when the trail is still empty. The event used is returned, so the console can show it.
 */
@Injectable()
export class PatternTester {
  constructor(private readonly audit: AuditService) {}

  async test(body: unknown): Promise<{ match: boolean; event: unknown }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RuleInputError('body', 'must be a JSON object {eventPattern, event?}');
    const { eventPattern, event, ...rest } = body as Record<string, unknown>;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) throw new RuleInputError(unknownKey, 'unknown field');
    if (eventPattern === undefined) throw new RuleInputError('eventPattern', 'is required');
    if (typeof eventPattern !== 'object' || eventPattern === null || Array.isArray(eventPattern)) throw new RuleInputError('eventPattern', 'must be a JSON object (an EventBridge event pattern)');
    let pattern;
    try {
      pattern = compilePattern(eventPattern, 'eventPattern');
    } catch (error) {
      throw fromPatternError(error, 'eventPattern');
    }
    if (event !== undefined && (typeof event !== 'object' || event === null || Array.isArray(event))) throw new RuleInputError('event', 'must be a JSON object (an event envelope)');
    const subject = event ?? (await this.recentEnvelope());
    return { match: pattern.matches(subject), event: subject };
  }

  private async recentEnvelope(): Promise<EventEnvelope> {
    await this.audit.settle().catch(() => undefined);
    const records = await this.audit.recent(RECENT);
    const envelopes = records.flatMap((r) => envelopesOf(r).map((s) => s.envelope));
    return envelopes.find((e) => e['detail-type'] === SESSION_STATE_CHANGE) ?? envelopes[0] ?? SAMPLE;
  }
}

/** A session start as it would be delivered; ids and times are obviously made up. */
export const SAMPLE: EventEnvelope = {
  version: '0',
  id: '00000000-0000-5000-8000-000000000000',
  'detail-type': SESSION_STATE_CHANGE,
  source: 'vigil',
  account: VIGIL_ACCOUNT,
  time: '2026-01-01T00:00:00Z',
  region: VIGIL_REGION,
  resources: [`arn:vigil:session:${VIGIL_REGION}:${VIGIL_ACCOUNT}:00000000-0000-7000-8000-000000000000`],
  detail: {
    sessionId: '00000000-0000-7000-8000-000000000000',
    state: 'started',
    type: 'PAM_SSH',
    user: 'jdoe',
    owner: 'alice',
    device: '10.0.0.12',
    client: 'srv-db-01',
    target: 'db-01',
  },
};
