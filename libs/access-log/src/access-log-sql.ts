import { AccessLogEntryEntity } from './entities/access-log-entry.entity';

/** access_log in hand-written SQL for the registry's atomic move (see RawSql). */
export const SELECT_ACCESS_LOG_ENTRY =
  'SELECT id, agent_id AS "agentId", external_id AS "externalId", type, status, user_name AS "user", device, client, port, ' +
  'service_url AS "serviceUrl", account_name AS "accountName", service_provider AS "serviceProvider", owner, ' +
  'start_date AS "startDate", end_date AS "endDate", duration_seconds AS "durationSeconds", end_reason AS "endReason", ' +
  'ended_by AS "endedBy", end_message AS "endMessage", recording_path AS "recordingPath", recording_sha256 AS "recordingSha256", recording_status AS "recordingStatus" FROM access_log';

export const INSERT_ACCESS_LOG_ENTRY =
  'INSERT INTO access_log (id, agent_id, external_id, type, status, user_name, device, client, port, service_url, ' +
  'account_name, service_provider, owner, start_date, end_date, duration_seconds, end_reason, ended_by, end_message, ' +
  'recording_path, recording_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function accessLogParams(e: AccessLogEntryEntity): unknown[] {
  return [
    e.id, e.agentId, e.externalId, e.type, e.status, e.user, e.device, e.client, e.port, e.serviceUrl,
    e.accountName, e.serviceProvider, e.owner, e.startDate, e.endDate, e.durationSeconds, e.endReason, e.endedBy,
    e.endMessage, e.recordingPath, e.recordingSha256,
  ];
}

export function toAccessLogEntry(row: Record<string, unknown>): AccessLogEntryEntity {
  return Object.assign(new AccessLogEntryEntity(), row, {
    port: row.port === null ? null : Number(row.port),
    startDate: Number(row.startDate),
    endDate: Number(row.endDate),
    durationSeconds: Number(row.durationSeconds),
  });
}
