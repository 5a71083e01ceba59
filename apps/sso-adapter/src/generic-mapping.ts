import { Mapped, SsoEvent, epochMs, isObject, text } from './sso-event';

/**
 * The adapter's own JSON, for an SSO portal or an IdP without a ready format (one event or an
 * array of up to 100):
 *
 *   {"event":"login","session":"s-91","user":"jdoe","ip":"10.0.0.12","serviceProvider":"crm",
 *    "account":"jdoe@crm","type":"WebSSO","time":"2026-12-01T10:00:00Z"}
 *   {"event":"logout","session":"s-91"}              (the whole SSO session)
 *   {"event":"logout","session":"s-91","serviceProvider":"crm"}   (one service provider)
 */
export function mapGenericEvents(payload: unknown): Mapped {
  const items = Array.isArray(payload) ? payload : [payload];
  if (items.length === 0 || items.length > 100) return { ok: false, error: 'send one event or an array of 1 to 100' };
  const events: SsoEvent[] = [];
  for (const [index, item] of items.entries()) {
    const mapped = mapOne(item);
    if (typeof mapped === 'string') return { ok: false, error: items.length > 1 ? `[${index}]: ${mapped}` : mapped };
    events.push(mapped);
  }
  return { ok: true, events };
}

function mapOne(item: unknown): SsoEvent | string {
  if (!isObject(item)) return 'an event must be a JSON object';
  const session = text(item.session, 128);
  if (!session) return 'session is required (the SSO session id, 1-128 printable characters)';
  const at = epochMs(item.time);
  const when = at !== undefined ? { at } : {};
  if (item.event === 'logout') {
    const serviceProvider = item.serviceProvider === undefined ? undefined : text(item.serviceProvider);
    if (serviceProvider === null) return 'serviceProvider must be 1-256 printable characters';
    return { kind: 'logout', ssoSession: session, ...(serviceProvider ? { serviceProvider } : {}), ...when };
  }
  if (item.event !== 'login') return 'event must be "login" or "logout"';
  const user = text(item.user);
  const serviceProvider = text(item.serviceProvider);
  if (!user || !serviceProvider) return 'a login needs user and serviceProvider';
  const type = item.type ?? 'WebSSO';
  if (type !== 'WebSSO' && type !== 'ESSO') return 'type must be "WebSSO" or "ESSO"';
  const accountName = item.account === undefined ? undefined : text(item.account);
  if (accountName === null) return 'account must be 1-256 printable characters';
  return { kind: 'login', ssoSession: session, user, device: text(item.ip, 64) ?? 'unknown', serviceProvider, type, ...(accountName ? { accountName } : {}), ...when };
}
