import type { AwsSession } from './aws-session';

/** What the importer knows of one SSM session it has registered. */
export interface MirrorState {
  awsSessionId: string;
  /** Vigil's session id */
  sessionId: string;
  /** ended in Vigil (by the import, a timeout or an administrator): never touched again */
  ended: boolean;
  startDate: number;
  /** the status AWS gave last */
  awsStatus: string;
}

export type PollStep =
  /** listed Active, never registered: register it */
  | { kind: 'open'; session: AwsSession }
  /** listed Active and open in Vigil: it is alive (a heartbeat), or AWS says Disconnected */
  | { kind: 'heartbeat' | 'disconnect'; session: AwsSession; mirror: MirrorState }
  /** in History and not ended in Vigil yet: end it (registering it first if it was never seen Active) */
  | { kind: 'end'; session: AwsSession; mirror: MirrorState | null };

export interface PollPlan {
  steps: PollStep[];
  /** registered sessions AWS lists in neither state: left to Vigil's liveness rule (no heartbeat) */
  unseen: MirrorState[];
}

/**
 * One poll's work, from what AWS listed and what the importer already knows. A session's end is
 * applied once: History wins over Active (a session listed in both ended between the two calls),
 * and a session already ended in Vigil is left alone whatever AWS says later. A session Vigil holds
 * open that AWS lists nowhere (AWS stopped listing it without a History entry) gets no heartbeat:
 * like any silent agent's session it turns Disconnected, then ends with reason `timeout` — unless
 * its History entry shows up first, which then ends it with AWS's date. Pure.
 */
export function planPoll(active: AwsSession[], history: AwsSession[], known: Map<string, MirrorState>, openMirrors: MirrorState[]): PollPlan {
  const steps: PollStep[] = [];
  const ended = new Map(history.map((s) => [s.id, s]));
  const listed = new Set<string>();
  for (const session of ended.values()) {
    listed.add(session.id);
    const mirror = known.get(session.id) ?? null;
    if (!mirror?.ended) steps.push({ kind: 'end', session, mirror });
  }
  for (const session of active) {
    if (listed.has(session.id)) continue;
    listed.add(session.id);
    const mirror = known.get(session.id);
    if (!mirror) steps.push({ kind: 'open', session });
    else if (!mirror.ended) steps.push({ kind: session.status === 'Disconnected' ? 'disconnect' : 'heartbeat', session, mirror });
  }
  return { steps, unseen: openMirrors.filter((m) => !m.ended && !listed.has(m.awsSessionId)) };
}

/** Sessions AWS may list late or stamp with a skewed clock: History is read this far before the window. */
export const HISTORY_MARGIN_MS = 15 * 60_000;

/**
 * Where the History read starts (DescribeSessions `InvokedAfter`, which filters on the start): the
 * first successful poll reads all of it; later ones only what started since the last success, or
 * earlier for the sessions still open (a week-long session's History entry carries its old start).
 * undefined = no filter.
 */
export function historyFrom(lastSuccessStartedAt: number | null, openStarts: number[]): number | undefined {
  if (lastSuccessStartedAt === null) return undefined;
  return openStarts.reduce((a, b) => Math.min(a, b), lastSuccessStartedAt) - HISTORY_MARGIN_MS;
}
