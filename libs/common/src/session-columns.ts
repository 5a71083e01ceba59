import type { AccessLogView, SessionView } from './session-attributes';

/** A column of the sessions page or the access log: its id, its header, how to read it. */
export interface ColumnDefinition<Row> {
  id: string;
  header: string;
  /** the CSV's header when it differs: a number's unit, which the page shows in each cell instead */
  csvHeader?: string;
  value: (row: Row, now: number) => string | number | null;
}

function durationSeconds(startIso: string, endMs: number): number {
  return Math.max(0, Math.round((endMs - Date.parse(startIso)) / 1000));
}

export const SESSION_COLUMNS: ColumnDefinition<SessionView>[] = [
  { id: 'user', header: 'User', value: (s) => s.user },
  { id: 'device', header: 'Device', value: (s) => s.device },
  { id: 'client', header: 'Client', value: (s) => s.client },
  { id: 'startDate', header: 'Start date', value: (s) => s.startDate },
  { id: 'type', header: 'Type', value: (s) => s.type },
  { id: 'port', header: 'Port', value: (s) => s.port },
  { id: 'serviceUrl', header: 'Service URL', value: (s) => s.serviceUrl },
  { id: 'accountName', header: 'Account name', value: (s) => s.accountName },
  { id: 'serviceProvider', header: 'Service provider', value: (s) => s.serviceProvider },
  { id: 'owner', header: 'Owner', value: (s) => s.owner },
  { id: 'status', header: 'Status', value: (s) => s.status },
  { id: 'duration', header: 'Duration', csvHeader: 'Duration (s)', value: (s, now) => durationSeconds(s.startDate, now) },
  { id: 'id', header: 'Session ID', value: (s) => s.id },
  { id: 'externalId', header: 'External ID', value: (s) => s.externalId },
  { id: 'lastHeartbeat', header: 'Last heartbeat', value: (s) => s.lastHeartbeat },
];

export const DEFAULT_SESSION_COLUMNS = SESSION_COLUMNS.slice(0, 12).map((c) => c.id);

export const ACCESS_LOG_COLUMNS: ColumnDefinition<AccessLogView>[] = [
  ...SESSION_COLUMNS.filter((c) => c.id !== 'duration' && c.id !== 'status' && c.id !== 'lastHeartbeat').map(
    (c) => c as unknown as ColumnDefinition<AccessLogView>,
  ),
  { id: 'endDate', header: 'End date', value: (e) => e.endDate },
  { id: 'duration', header: 'Duration', csvHeader: 'Duration (s)', value: (e) => e.durationSeconds },
  { id: 'endReason', header: 'End reason', value: (e) => e.endReason },
  { id: 'endedBy', header: 'Ended by', value: (e) => e.endedBy },
  { id: 'endMessage', header: 'End message', value: (e) => e.endMessage },
  // where the session went: a jump or browser session's target, else the server the agent reported
  { id: 'target', header: 'Target', value: (e) => accessLogTarget(e) },
  { id: 'recording', header: 'Recording', value: (e) => e.recordingStatus ?? 'none' },
];

/** The target of an entry: the service provider of a session through Vigil, else the client. */
export function accessLogTarget(e: Pick<AccessLogView, 'type' | 'client' | 'serviceProvider'>): string {
  return (e.type === 'PAM_SSH' || e.type === 'PAM_RDP') && e.serviceProvider ? e.serviceProvider : e.client;
}

export const DEFAULT_ACCESS_LOG_COLUMNS = ACCESS_LOG_COLUMNS.filter((c) => !['id', 'externalId'].includes(c.id)).map(
  (c) => c.id,
);

/** Picks columns by id, in the order given; unknown ids are reported, not ignored. */
export function pickColumns<Row>(all: ColumnDefinition<Row>[], ids: string[]): ColumnDefinition<Row>[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const unknown = ids.filter((id) => !byId.has(id));
  // `columns=` or `columns=%20` would make a CSV of blank lines: name at least one.
  if (unknown.length > 0 || ids.length === 0) {
    throw new UnknownColumnError(unknown, [...byId.keys()]);
  }
  return ids.map((id) => byId.get(id)!);
}

export class UnknownColumnError extends Error {
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(
      unknown.length > 0
        ? `columns: unknown column(s) ${unknown.join(', ')}; known columns are ${known.join(', ')}`
        : `columns: name at least one column; known columns are ${known.join(', ')}`,
    );
  }
}
