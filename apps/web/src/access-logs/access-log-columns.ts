import type { AccessLogView } from '../api/types';

/** The access-log table's columns; ids are the server's CSV column ids, so the CSV matches. */
export const ACCESS_LOG_TABLE_COLUMNS: { id: string; header: string; numeric?: boolean; value: (e: AccessLogView) => string }[] = [
  { id: 'startDate', header: 'Start date', value: (e) => e.startDate },
  { id: 'endDate', header: 'End date', value: (e) => e.endDate },
  { id: 'duration', header: 'Duration', numeric: true, value: (e) => String(e.durationSeconds) },
  { id: 'user', header: 'User', value: (e) => e.user },
  { id: 'owner', header: 'Owner', value: (e) => e.owner },
  { id: 'type', header: 'Type', value: (e) => e.type },
  { id: 'client', header: 'Client', value: (e) => e.client },
  { id: 'accountName', header: 'Account name', value: (e) => e.accountName ?? '' },
  { id: 'endReason', header: 'End reason', value: (e) => e.endReason },
  { id: 'endedBy', header: 'Ended by', value: (e) => e.endedBy ?? '' },
];
