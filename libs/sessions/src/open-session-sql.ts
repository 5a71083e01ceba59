import { OpenSessionEntity } from './entities/open-session.entity';

/** open_sessions in hand-written SQL (see RawSql): columns, their order, and the row mapping. */
export const SELECT_OPEN_SESSION =
  'SELECT id, agent_id AS "agentId", external_id AS "externalId", type, status, user_name AS "user", device, client, port, ' +
  'service_url AS "serviceUrl", account_name AS "accountName", service_provider AS "serviceProvider", owner, ' +
  'start_date AS "startDate", last_heartbeat AS "lastHeartbeat", disconnected_at AS "disconnectedAt", live_stream AS "liveStream" FROM open_sessions';

export const INSERT_OPEN_SESSION =
  'INSERT INTO open_sessions (id, agent_id, external_id, type, status, user_name, device, client, port, service_url, ' +
  'account_name, service_provider, owner, start_date, last_heartbeat, disconnected_at, live_stream) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export const INSERT_SESSION_KEY = 'INSERT INTO session_keys (agent_id, external_id, session_id, created_at) VALUES (?, ?, ?, ?)';

export function openSessionParams(s: OpenSessionEntity): unknown[] {
  return [
    s.id, s.agentId, s.externalId, s.type, s.status, s.user, s.device, s.client, s.port, s.serviceUrl,
    s.accountName, s.serviceProvider, s.owner, s.startDate, s.lastHeartbeat, s.disconnectedAt, s.liveStream ?? null,
  ];
}

/** PostgreSQL returns BIGINT as strings; both engines give numbers back here. */
export function toOpenSession(row: Record<string, unknown>): OpenSessionEntity {
  return Object.assign(new OpenSessionEntity(), row, {
    port: row.port === null ? null : Number(row.port),
    startDate: Number(row.startDate),
    lastHeartbeat: Number(row.lastHeartbeat),
    disconnectedAt: row.disconnectedAt === null ? null : Number(row.disconnectedAt),
    liveStream: (row.liveStream ?? null) as OpenSessionEntity['liveStream'],
  });
}
