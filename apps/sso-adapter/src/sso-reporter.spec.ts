import type { OpenRequest } from '@vigil/agent-sdk';
import { SessionReporter, SsoReporter } from './sso-reporter';

function fakeAgent() {
  const open = new Set<string>();
  const agent = {
    opened: [] as OpenRequest[],
    ended: [] as { externalId: string; endDate?: string }[],
    open: jest.fn(async (request: OpenRequest) => {
      agent.opened.push(request);
      open.add(request.externalId);
      return { state: 'sent' as const, session: { id: `id-${request.externalId}`, externalId: request.externalId, status: 'Connected' } };
    }),
    end: jest.fn(async (externalId: string, body?: { endDate?: string }) => {
      agent.ended.push({ externalId, endDate: body?.endDate });
      open.delete(externalId);
      return { state: 'sent' as const, sessionId: `id-${externalId}` };
    }),
    openExternalIds: () => [...open],
  };
  return agent satisfies SessionReporter;
}

describe('SsoReporter', () => {
  const login = (ssoSession: string, serviceProvider: string, user = 'jdoe') =>
    ({ kind: 'login', ssoSession, user, device: '10.0.0.1', serviceProvider, type: 'WebSSO' }) as const;

  it('opens one session per service provider, with the IdP as client and the configured owner', async () => {
    const agent = fakeAgent();
    const reporter = new SsoReporter(agent, { client: 'keycloak.corp', owner: 'secops', source: 'keycloak' });
    await expect(reporter.report([login('corp/s1', 'crm'), login('corp/s1', 'wiki')])).resolves.toEqual({ opened: 2, ended: 0, ignored: 0 });
    expect(agent.opened).toEqual([
      { externalId: 'keycloak:corp/s1:crm', type: 'WebSSO', user: 'jdoe', device: '10.0.0.1', client: 'keycloak.corp', serviceProvider: 'crm', accountName: 'jdoe', owner: 'secops' },
      expect.objectContaining({ externalId: 'keycloak:corp/s1:wiki', serviceProvider: 'wiki' }),
    ]);
  });

  it('a logout ends every service provider of that SSO session and none of another', async () => {
    const agent = fakeAgent();
    const reporter = new SsoReporter(agent, { client: 'kc', owner: 'secops', source: 'kc' });
    await reporter.report([login('s1', 'crm'), login('s1', 'wiki'), login('s1:x', 'crm'), login('s10', 'crm')]);
    await expect(reporter.report([{ kind: 'logout', ssoSession: 's1', at: Date.parse('2026-12-01T10:00:00Z') }])).resolves.toEqual({ opened: 0, ended: 2, ignored: 0 });
    expect(agent.ended).toEqual([
      { externalId: 'kc:s1:crm', endDate: '2026-12-01T10:00:00.000Z' },
      { externalId: 'kc:s1:wiki', endDate: '2026-12-01T10:00:00.000Z' },
    ]);
    expect(agent.openExternalIds().sort()).toEqual(['kc:s1%3Ax:crm', 'kc:s10:crm']);
    await expect(reporter.report([{ kind: 'logout', ssoSession: 'never-seen' }])).resolves.toEqual({ opened: 0, ended: 0, ignored: 1 });
  });

  it('keeps externalIds within 128 characters, and owner @user only for Vigil usernames', async () => {
    const agent = fakeAgent();
    const reporter = new SsoReporter(agent, { client: 'kc', owner: '@user', source: 'portal' });
    await reporter.report([login('s'.repeat(300), 'p'.repeat(256), 'jdoe'), login('s2', 'crm', 'jane@corp.example')]);
    expect(agent.opened[0].externalId.length).toBeLessThanOrEqual(128);
    expect(agent.opened[0].owner).toBe('jdoe');
    expect(agent.opened[1].owner).toBe('admin');
    await expect(reporter.report([{ kind: 'logout', ssoSession: 's'.repeat(300), serviceProvider: 'p'.repeat(256) }])).resolves.toMatchObject({ ended: 1 });
  });
});
