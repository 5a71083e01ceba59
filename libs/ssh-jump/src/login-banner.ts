import type { JumpTargetPolicy } from './jump-ports';

/**
 * What a user is told at every accepted login, before their shell: that the session is recorded
 * and, when the target's policy announces watchers, that it may be watched. It travels as an
 * SSH_MSG_USERAUTH_BANNER, which OpenSSH prints on stderr before the session starts: never on an
 * exec's stdout (`ssh target cmd | x` stays clean), never in the recording or the live screen.
 */
export function loginBanner(targetName: string, policy: Pick<JumpTargetPolicy, 'announceWatching'>): string {
  const watched = policy.announceWatching ?? true;
  return (
    `[Vigil] Your session on "${targetName}" is recorded.` +
    (watched ? ' It may be watched live; you will be told when someone watches.' : '')
  );
}
