import type { JumpSessionEndInfo } from '@vigil/ssh-jump';

/** What the browser terminal shows when its session ends: the reason a person can act on. */
export function endedReason(end: JumpSessionEndInfo | undefined): string {
  if (!end) return 'the session ended';
  // a terminate's message already says who and why ("Session terminated by admin: …")
  if (end.reason === 'terminated') return end.message ?? 'the session was terminated';
  if (end.reason === 'failed') return end.message ? `the session failed: ${end.message}` : 'the session failed';
  if (end.exitCode !== undefined) return `the session ended (exit status ${end.exitCode})`;
  if (end.signal) return `the session ended (signal ${end.signal})`;
  return end.message ? `the session ended: ${end.message}` : 'the session ended';
}
