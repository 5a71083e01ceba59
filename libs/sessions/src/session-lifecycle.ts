import type { SessionStatus } from '@vigil/common';

/** Which status may follow which. Ending is not a status change: the session leaves the registry. */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  Connecting: ['Connected', 'Disconnected', 'Failed', 'Terminating'],
  Connected: ['Disconnected', 'Terminating'],
  Disconnected: ['Connected', 'Terminating'],
  Terminating: ['Terminated'],
  Terminated: [],
  Failed: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The status a heartbeat leaves a session in: a heartbeat proves the agent is back. */
export function statusAfterHeartbeat(status: SessionStatus): SessionStatus {
  return status === 'Connecting' || status === 'Disconnected' ? 'Connected' : status;
}

export interface LivenessPolicy {
  heartbeatTimeoutMs: number;
  disconnectGraceMs: number;
}

export interface Liveness {
  status: SessionStatus;
  lastHeartbeat: number;
  disconnectedAt: number | null;
}

export type TimeoutDecision = 'keep' | 'disconnect' | 'end';

/**
 * A session whose agent stops reporting is first marked Disconnected (it may come back), then,
 * once the grace period has passed without a heartbeat, ended with reason `timeout`. Nothing
 * stays live forever after its agent is gone.
 */
export function decideTimeout(session: Liveness, now: number, policy: LivenessPolicy): TimeoutDecision {
  const silentFor = now - session.lastHeartbeat;
  if (session.status === 'Disconnected') {
    const since = session.disconnectedAt ?? session.lastHeartbeat + policy.heartbeatTimeoutMs;
    return now - since >= policy.disconnectGraceMs ? 'end' : 'keep';
  }
  if (silentFor < policy.heartbeatTimeoutMs) return 'keep';
  // A session silent past both windows (e.g. Vigil itself was down) ends without lingering.
  if (silentFor >= policy.heartbeatTimeoutMs + policy.disconnectGraceMs) return 'end';
  return 'disconnect';
}
