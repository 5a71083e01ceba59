import type { AccessLogView, ColumnInfo } from '../api/types';

export interface AccessLogColumn {
  id: string;
  header: string;
  numeric?: boolean;
  value: (e: AccessLogView) => string;
}

/** The target as the server's CSV `target` column has it: a Vigil session's service provider, else the client. */
export function targetOf(e: AccessLogView): string {
  return (e.type === 'PAM_SSH' || e.type === 'PAM_RDP') && e.serviceProvider ? e.serviceProvider : e.client;
}

/** "complete", "incomplete", "recovered", or "none": the server's CSV `recording` column. */
export const recordingOf = (e: AccessLogView): string => e.recordingStatus ?? 'none';

/**
 * The access-log table's columns; ids are the server's CSV column ids (GET /api/me/access-log-columns),
 * so the CSV matches. Headers are the page's (the CSV's duration header carries its unit, "(s)",
 * the table shows "1h 02m").
 */
export const ACCESS_LOG_TABLE_COLUMNS: AccessLogColumn[] = [
  { id: 'startDate', header: 'Start date', value: (e) => e.startDate },
  { id: 'endDate', header: 'End date', value: (e) => e.endDate },
  { id: 'duration', header: 'Duration', numeric: true, value: (e) => String(e.durationSeconds) },
  { id: 'user', header: 'User', value: (e) => e.user },
  { id: 'owner', header: 'Owner', value: (e) => e.owner },
  { id: 'type', header: 'Type', value: (e) => e.type },
  { id: 'client', header: 'Client', value: (e) => e.client },
  { id: 'target', header: 'Target', value: targetOf },
  { id: 'accountName', header: 'Account name', value: (e) => e.accountName ?? '' },
  { id: 'endReason', header: 'End reason', value: (e) => e.endReason },
  { id: 'endedBy', header: 'Ended by', value: (e) => e.endedBy ?? '' },
  { id: 'endMessage', header: 'End message', value: (e) => e.endMessage ?? '' },
  { id: 'recording', header: 'Recording', value: recordingOf },
  { id: 'device', header: 'Device', value: (e) => e.device },
  { id: 'port', header: 'Port', numeric: true, value: (e) => (e.port === null ? '' : String(e.port)) },
  { id: 'serviceUrl', header: 'Service URL', value: (e) => e.serviceUrl ?? '' },
  { id: 'serviceProvider', header: 'Service provider', value: (e) => e.serviceProvider ?? '' },
  { id: 'id', header: 'Session ID', value: (e) => e.id },
  { id: 'externalId', header: 'External ID', value: (e) => e.externalId },
];

/** The defaults until the user's choice has loaded (as the server's). */
export const ACCESS_LOG_DEFAULT_COLUMNS = ['startDate', 'endDate', 'duration', 'user', 'owner', 'type', 'client', 'accountName', 'endReason', 'endedBy', 'recording'];

/** The given ids as table columns, in order; ids this build doesn't know show the server's header and raw value. */
export function resolveAccessLogColumns(ids: string[], available: ColumnInfo[]): AccessLogColumn[] {
  return ids.map(
    (id) =>
      ACCESS_LOG_TABLE_COLUMNS.find((c) => c.id === id) ?? {
        id,
        header: available.find((c) => c.id === id)?.header ?? id,
        value: (e: AccessLogView) => String((e as unknown as Record<string, unknown>)[id] ?? ''),
      },
  );
}

/** The CSV always carries these, after the shown columns: what a follow-up needs (which session, where, why it ended). */
export const CSV_EXTRA_COLUMNS = ['id', 'target', 'endMessage'];

export const csvColumnsFor = (shown: string[]) => [...shown, ...CSV_EXTRA_COLUMNS.filter((id) => !shown.includes(id))];
