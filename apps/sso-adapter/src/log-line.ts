import { mapGenericEvents } from './generic-mapping';
import { Mapped } from './sso-event';

/**
 * A portal's log line of `key=value` pairs (values may be double-quoted), e.g.
 *
 *   2026-12-01T10:00:00Z sso-portal event=login session=s-91 user=jdoe ip=10.0.0.12 sp=crm account=jdoe type=ESSO
 *
 * mapped as the generic JSON (`sp` = serviceProvider, a leading ISO timestamp = time). Lines
 * without `event=login|logout` are someone else's: ignored, not errors.
 */
export function mapLogLine(line: string): Mapped {
  if (line.length > 4096) return { ok: false, error: 'line longer than 4096 characters' };
  const fields: Record<string, string> = {};
  for (const match of line.matchAll(/([A-Za-z_][\w.-]*)=("((?:[^"\\]|\\.)*)"|\S*)/g)) {
    fields[match[1]] = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2];
  }
  if (fields.event !== 'login' && fields.event !== 'logout') return { ok: true, events: [] };
  const leading = /^(\d{4}-\d\d-\d\dT\S+)\s/.exec(line)?.[1];
  const event: Record<string, unknown> = {
    event: fields.event,
    session: fields.session,
    user: fields.user,
    ip: fields.ip,
    serviceProvider: fields.sp ?? fields.serviceProvider,
    account: fields.account,
    type: fields.type,
    time: fields.time ?? leading,
  };
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return mapGenericEvents(event);
}
