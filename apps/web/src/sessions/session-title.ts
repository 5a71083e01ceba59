import type { AccessLogView, SessionView } from '../api/types';

/**
 * A session as a security engineer reads it: who went where. A session through Vigil (jump,
 * browser terminal, RDP/VNC) names the account and the target, `alice → uxtgt@db-01`; one an
 * agent reported names the machine the user is on, `alice on srv-app-03`.
 */
export function sessionTitle(s: Pick<SessionView | AccessLogView, 'type' | 'user' | 'client' | 'accountName' | 'serviceProvider'>): string {
  if ((s.type === 'PAM_SSH' || s.type === 'PAM_RDP') && s.serviceProvider) {
    return `${s.user} → ${s.accountName ? `${s.accountName}@` : ''}${s.serviceProvider}`;
  }
  return `${s.user} on ${s.client}`;
}

/** Why View/Interact are not offered, in words; null when the session can be watched. */
export function unwatchableReason(s: Pick<SessionView, 'liveStream' | 'type'>): string | null {
  if (s.liveStream) return null;
  return s.type === 'PAM_SSH' || s.type === 'PAM_RDP'
    ? 'Reported by another jump server or gateway: Vigil carries no live stream of it, so it cannot be watched here.'
    : 'Reported by an agent: only its registry entry exists (no live stream), so it cannot be watched.';
}
