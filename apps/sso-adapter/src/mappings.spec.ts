import { mapGenericEvents } from './generic-mapping';
import { mapKeycloakEvent } from './keycloak-mapping';
import { mapLogLine } from './log-line';

describe('Keycloak event mapping', () => {
  const login = {
    time: 1764590400000,
    type: 'LOGIN',
    realmId: 'corp',
    clientId: 'crm',
    userId: '6f1c-uuid',
    sessionId: 'kc-sess-1',
    ipAddress: '10.0.0.12',
    details: { username: 'jdoe', auth_method: 'openid-connect' },
  };

  it('maps a LOGIN to a WebSSO login of the client, in its SSO session', () => {
    expect(mapKeycloakEvent(login)).toEqual({
      ok: true,
      events: [{ kind: 'login', ssoSession: 'corp/kc-sess-1', user: 'jdoe', device: '10.0.0.12', serviceProvider: 'crm', accountName: 'jdoe', type: 'WebSSO', at: 1764590400000 }],
    });
  });

  it('maps a LOGOUT to the end of the whole SSO session', () => {
    expect(mapKeycloakEvent({ type: 'LOGOUT', realmId: 'corp', sessionId: 'kc-sess-1', time: 1764590500000 })).toEqual({
      ok: true,
      events: [{ kind: 'logout', ssoSession: 'corp/kc-sess-1', at: 1764590500000 }],
    });
  });

  it('ignores errors and other event types; refuses what cannot be a session', () => {
    expect(mapKeycloakEvent({ ...login, type: 'LOGIN_ERROR' })).toEqual({ ok: true, events: [] });
    expect(mapKeycloakEvent({ ...login, type: 'REFRESH_TOKEN' })).toEqual({ ok: true, events: [] });
    expect(mapKeycloakEvent({ ...login, sessionId: undefined }).ok).toBe(false);
    expect(mapKeycloakEvent({ ...login, details: { username: 'j\u0007doe' }, userId: undefined }).ok).toBe(false);
    expect(mapKeycloakEvent([login]).ok).toBe(false);
    expect(mapKeycloakEvent({ type: 'LOGOUT' }).ok).toBe(false);
  });
});

describe('generic JSON mapping', () => {
  it('maps logins (ESSO too) and logouts, one or an array', () => {
    expect(
      mapGenericEvents([
        { event: 'login', session: 's-1', user: 'jdoe', ip: '10.0.0.1', serviceProvider: 'sap', account: 'JDOE01', type: 'ESSO', time: '2026-12-01T10:00:00Z' },
        { event: 'logout', session: 's-1', serviceProvider: 'sap' },
      ]),
    ).toEqual({
      ok: true,
      events: [
        { kind: 'login', ssoSession: 's-1', user: 'jdoe', device: '10.0.0.1', serviceProvider: 'sap', accountName: 'JDOE01', type: 'ESSO', at: Date.parse('2026-12-01T10:00:00Z') },
        { kind: 'logout', ssoSession: 's-1', serviceProvider: 'sap' },
      ],
    });
  });

  it.each([
    [{ event: 'login', session: 's', user: 'u' }, 'a login needs user and serviceProvider'],
    [{ event: 'login', session: 's', user: 'u', serviceProvider: 'x', type: 'PAM' }, 'type must be'],
    [{ event: 'delete', session: 's' }, 'event must be'],
    [{ event: 'logout' }, 'session is required'],
    [[], 'send one event or an array'],
    [Array.from({ length: 101 }, () => ({ event: 'logout', session: 's' })), 'send one event or an array'],
  ])('refuses %p', (payload, message) => {
    const mapped = mapGenericEvents(payload);
    expect(!mapped.ok && mapped.error).toContain(message);
  });
});

describe('log line mapping', () => {
  it('reads key=value pairs, quoted values and the leading timestamp', () => {
    expect(mapLogLine('2026-12-01T10:00:00Z portal[12]: event=login session=s-9 user="j doe" ip=10.0.0.7 sp=crm account=jd type=ESSO')).toEqual({
      ok: true,
      events: [{ kind: 'login', ssoSession: 's-9', user: 'j doe', device: '10.0.0.7', serviceProvider: 'crm', accountName: 'jd', type: 'ESSO', at: Date.parse('2026-12-01T10:00:00Z') }],
    });
    expect(mapLogLine('event=logout session=s-9')).toEqual({ ok: true, events: [{ kind: 'logout', ssoSession: 's-9' }] });
  });

  it('ignores lines that are not SSO events, refuses broken ones', () => {
    expect(mapLogLine('GET /healthz 200')).toEqual({ ok: true, events: [] });
    expect(mapLogLine('event=login session=s-9').ok).toBe(false);
    expect(mapLogLine('x'.repeat(5000)).ok).toBe(false);
  });
});
