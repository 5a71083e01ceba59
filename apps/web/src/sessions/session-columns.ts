import type { ColumnInfo, SessionView } from '../api/types';

/** How the sessions table reads a column: text to filter on and a key to sort by. */
export interface SessionColumn {
  id: string;
  header: string;
  text: (s: SessionView) => string;
  sortKey: (s: SessionView) => string | number;
  numeric?: boolean;
}

const plain = (pick: (s: SessionView) => string | number | null): Pick<SessionColumn, 'text' | 'sortKey'> => ({
  text: (s) => String(pick(s) ?? ''),
  sortKey: (s) => pick(s) ?? '',
});

const byStart = (s: SessionView) => Date.parse(s.startDate);

/** Every column the server knows (ids as in GET /api/me/session-columns); headers come from the server. */
const READERS: Record<string, Omit<SessionColumn, 'id' | 'header'>> = {
  user: plain((s) => s.user),
  device: plain((s) => s.device),
  client: plain((s) => s.client),
  startDate: { text: (s) => s.startDate, sortKey: byStart },
  type: plain((s) => s.type),
  port: { ...plain((s) => s.port), numeric: true },
  serviceUrl: plain((s) => s.serviceUrl),
  accountName: plain((s) => s.accountName),
  serviceProvider: plain((s) => s.serviceProvider),
  owner: plain((s) => s.owner),
  status: plain((s) => s.status),
  // a longer duration is an earlier start: sort on the negated start so "ascending" means shortest first
  duration: { text: () => '', sortKey: (s) => -byStart(s), numeric: true },
  id: plain((s) => s.id),
  externalId: plain((s) => s.externalId),
  lastHeartbeat: { text: (s) => s.lastHeartbeat, sortKey: (s) => Date.parse(s.lastHeartbeat) },
};

/** The default set, as the server's DEFAULT_SESSION_COLUMNS (the 12 of the sessions page). */
export const DEFAULT_COLUMN_IDS = [
  'user',
  'device',
  'client',
  'startDate',
  'type',
  'port',
  'serviceUrl',
  'accountName',
  'serviceProvider',
  'owner',
  'status',
  'duration',
];

/** The given ids, in order, as table columns; ids this build doesn't know are shown as raw text. */
export function resolveColumns(ids: string[], available: ColumnInfo[]): SessionColumn[] {
  const headers = new Map(available.map((c) => [c.id, c.header]));
  return ids.map((id) => {
    const reader = READERS[id] ?? plain((s) => String((s as unknown as Record<string, unknown>)[id] ?? ''));
    return { id, header: headers.get(id) ?? id, ...reader };
  });
}
