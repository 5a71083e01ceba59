import type { EndReason as Reason } from '../api/types';

const EXPLANATIONS: Record<Reason, string> = {
  ended: 'The session ended normally.',
  timeout: 'The agent stopped sending heartbeats and the grace period ran out.',
  terminated: 'Someone terminated the session from Vigil.',
  failed: 'The session failed.',
};

export function EndReason({ reason }: { reason: Reason }) {
  return (
    <span className={`reason reason-${reason}`} title={EXPLANATIONS[reason]}>
      {reason}
    </span>
  );
}

export const explainEndReason = (reason: Reason) => EXPLANATIONS[reason] ?? '';
