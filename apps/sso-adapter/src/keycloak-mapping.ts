import { Mapped, epochMs, isObject, text } from './sso-event';

/**
 * Keycloak's user event (its `Event` representation, as an event-listener SPI or webhook
 * extension posts it and as `GET /admin/realms/{realm}/events` lists it):
 *
 *   {"time":1764590400000,"type":"LOGIN","realmId":"corp","clientId":"crm","userId":"…",
 *    "sessionId":"…","ipAddress":"10.0.0.12","details":{"username":"jdoe",…}}
 *
 * One Keycloak SSO session spans every client the user reaches with it: each client's `LOGIN`
 * (and the SSO cookie's silent ones, same sessionId) is one Vigil session of that service
 * provider; `LOGOUT` of the sessionId ends them all. Other event types (token refreshes, errors)
 * report no session and are ignored.
 */
export function mapKeycloakEvent(payload: unknown): Mapped {
  if (!isObject(payload)) return { ok: false, error: 'a Keycloak event must be a JSON object' };
  const type = text(payload.type, 64);
  if (!type) return { ok: false, error: 'type is required' };
  if (type.endsWith('_ERROR')) return { ok: true, events: [] };
  const realm = text(payload.realmId, 128) ?? 'realm';
  const sessionId = text(payload.sessionId, 128);
  const at = epochMs(payload.time);
  if (type === 'LOGIN') {
    const details = isObject(payload.details) ? payload.details : {};
    const user = text(details.username) ?? text(payload.userId);
    const clientId = text(payload.clientId);
    if (!sessionId || !user || !clientId) return { ok: false, error: 'a LOGIN needs sessionId, clientId and details.username (or userId)' };
    return {
      ok: true,
      events: [
        {
          kind: 'login',
          ssoSession: `${realm}/${sessionId}`,
          user,
          device: text(payload.ipAddress, 64) ?? 'unknown',
          serviceProvider: clientId,
          accountName: text(details.username) ?? undefined,
          type: 'WebSSO',
          ...(at !== undefined ? { at } : {}),
        },
      ],
    };
  }
  if (type === 'LOGOUT') {
    if (!sessionId) return { ok: false, error: 'a LOGOUT needs sessionId' };
    return { ok: true, events: [{ kind: 'logout', ssoSession: `${realm}/${sessionId}`, ...(at !== undefined ? { at } : {}) }] };
  }
  return { ok: true, events: [] };
}
