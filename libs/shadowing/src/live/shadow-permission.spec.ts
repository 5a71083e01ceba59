import type { UserPrincipal } from '@vigil/auth';
import { controlVerdict, inputVerdict, mayTerminate, shadowVerdict, watchScope } from './shadow-permission';

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

describe('control and input rules', () => {
  const viewer = (mode: 'view' | 'interact') => ({ viewerId: 'v', username: 'u', mode, since: '' });

  it('typing needs attachment, interact mode and the lock', () => {
    expect(inputVerdict(undefined, true)).toEqual({ ok: false, error: 'not attached to this session' });
    expect(inputVerdict(viewer('view'), true)).toEqual({ ok: false, error: 'input refused: attached in view mode' });
    expect(inputVerdict(viewer('interact'), false)).toEqual({ ok: false, error: 'input refused: take control first' });
    expect(inputVerdict(viewer('interact'), true)).toEqual({ ok: true });
  });

  it.each([
    ['take', false, true],
    ['handback', false, true],
    ['take', true, false],
    ['pause-user', undefined, false],
    ['resume-user', undefined, false],
  ] as const)('%s (force %s) by a non-admin: allowed %s; an admin may always', (action, force, ok) => {
    expect(controlVerdict(user(['auditor'], ['shadow', 'interact']), action, force).ok).toBe(ok);
    expect(controlVerdict(user(['admin']), action, force).ok).toBe(true);
  });

  it('watcher lists: owners see their own sessions, admins and auditors every session', () => {
    expect(watchScope(user(['owner'], ['shadow'], 'alice'))).toBe('alice');
    expect(watchScope(user(['auditor']))).toBeNull();
    expect(watchScope(user(['admin']))).toBeNull();
  });
});
