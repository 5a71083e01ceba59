import type { UserPrincipal } from '@vigil/auth';
import { mayTerminate } from './terminate-permission';

const user = (username: string, roles: UserPrincipal['roles'], privileges: UserPrincipal['privileges'] = []): UserPrincipal => ({
  kind: 'user',
  id: username,
  username,
  roles,
  privileges,
});

describe('mayTerminate (HTTP, /live, SSM: one rule)', () => {
  it.each([
    ['the owner, without any privilege', user('alice', ['owner']), true, null],
    ['the owner, even without a role', user('alice', []), true, null],
    ['an admin (holds every privilege)', user('root', ['admin']), true, null],
    ['an auditor with terminate', user('aude', ['auditor'], ['terminate']), true, null],
    ['an auditor without terminate: sees it, may not end it', user('aude', ['auditor']), false, 'forbidden'],
    ["another owner with terminate: cannot see it, so it does not exist", user('bob', ['owner'], ['terminate']), false, 'not-found'],
    ['a user with every privilege but no role that sees all', user('eve', [], ['shadow', 'interact', 'terminate']), false, 'not-found'],
  ] as const)('%s', (_name, who, ok, refusal) => {
    const verdict = mayTerminate(who, 'alice');
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) {
      expect(verdict.refusal).toBe(refusal);
      expect(verdict.error).toBe(refusal === 'not-found' ? 'session not found' : 'terminating this session requires the terminate privilege');
    }
  });
});
