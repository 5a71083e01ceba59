import type { UserPrincipal } from '@vigil/auth';
import { mayTerminate, shadowVerdict } from './shadow-permission';

const user = (roles: UserPrincipal['roles'], privileges: UserPrincipal['privileges'] = [], username = 'u'): UserPrincipal => ({
  kind: 'user',
  id: username,
  username,
  roles,
  privileges,
});

describe('shadow permissions', () => {
  it.each([
    ['owner views own session', user(['owner'], [], 'alice'), 'alice', 'view', true, ''],
    ['owner cannot interact without the privilege', user(['owner'], [], 'alice'), 'alice', 'interact', false, /interact privilege/],
    ['owner with interact types into own session', user(['owner'], ['interact'], 'alice'), 'alice', 'interact', true, ''],
    ["owner never learns of another owner's session", user(['owner'], ['shadow', 'interact'], 'bob'), 'alice', 'view', false, /^session not found$/],
    ['auditor without shadow', user(['auditor']), 'alice', 'view', false, /shadow privilege/],
    ['auditor with shadow views', user(['auditor'], ['shadow']), 'alice', 'view', true, ''],
    ['auditor with shadow cannot type', user(['auditor'], ['shadow']), 'alice', 'interact', false, /interact privilege/],
    ['admin does everything', user(['admin']), 'alice', 'interact', true, ''],
  ] as const)('%s', (_name, who, owner, mode, ok, error) => {
    const verdict = shadowVerdict(who, owner, mode);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.error).toMatch(error);
  });

  it('terminate: owner or terminate privilege, others see nothing', () => {
    expect(mayTerminate(user(['owner'], [], 'alice'), 'alice').ok).toBe(true);
    expect(mayTerminate(user(['owner'], ['terminate'], 'bob'), 'alice')).toEqual({ ok: false, error: 'session not found' });
    expect(mayTerminate(user(['auditor']), 'alice')).toMatchObject({ ok: false, error: /terminate privilege/ });
    expect(mayTerminate(user(['auditor'], ['terminate']), 'alice').ok).toBe(true);
  });
});
