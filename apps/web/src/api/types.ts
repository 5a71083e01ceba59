/** Wire shapes of the Vigil HTTP API (see /api/docs); dates are ISO-8601 strings. */

// The session vocabulary is the server's own (libs/common): one definition for both sides.
export { SESSION_TYPES } from '../../../../libs/common/src/session-attributes';
export type { AccessLogView, EndReason, SessionStatus, SessionType, SessionView } from '../../../../libs/common/src/session-attributes';

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

/** An access key for the SSM-compatible API, as lists show it (never its secret). */
export interface AccessKeyView {
  accessKeyId: string;
  username: string;
  active: boolean;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The answer to a creation: the only time the secret is shown. */
export interface CreatedAccessKey extends AccessKeyView {
  secretAccessKey: string;
}

/** A target the caller may reach (`GET /api/me/targets`): never its credentials. */
export interface ReachableTarget {
  name: string;
  protocol: 'ssh' | 'rdp' | 'vnc';
  host: string;
  port: number;
  accountName: string;
}

/** `POST /api/targets/{name}/connect`: the Guacamole tunnel to open with a single-use token. */
export interface DesktopConnection {
  sessionId: string;
  tunnel: string;
  token: string;
  expiresAt: number;
}
