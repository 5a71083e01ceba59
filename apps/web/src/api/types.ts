/** Wire shapes of the Vigil HTTP API (see /api/docs); dates are ISO-8601 strings. */

export const SESSION_TYPES = ['CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_RDP', 'PAM_SSH', 'SSM'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export type SessionStatus = 'Connecting' | 'Connected' | 'Disconnected' | 'Terminating' | 'Terminated' | 'Failed';
export type EndReason = 'ended' | 'timeout' | 'terminated' | 'failed';

export interface SessionView {
  id: string;
  externalId: string;
  agentId: string;
  type: SessionType;
  status: SessionStatus;
  user: string;
  device: string;
  client: string;
  port: number | null;
  serviceUrl: string | null;
  accountName: string | null;
  serviceProvider: string | null;
  owner: string;
  startDate: string;
  lastHeartbeat: string;
}

export interface AccessLogView extends Omit<SessionView, 'lastHeartbeat'> {
  endDate: string;
  durationSeconds: number;
  endReason: EndReason;
  endedBy: string | null;
  /** a person's words for the end, e.g. the terminate reason */
  endMessage: string | null;
  recordingUrl: string | null;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface Me {
  id: string;
  username: string;
  roles: string[];
  privileges: string[];
}

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
}

export interface ColumnInfo {
  id: string;
  header: string;
}

export interface SessionColumnsResponse {
  columns: string[];
  available: ColumnInfo[];
}
