/**
 * The wire contract of socket.io `/agents`, with no dependency: the gateway types its namespace
 * with it and the SDK's SocketTransport its client (type-only import, erased at build).
 * Every client → server event takes one payload and an ack; the ack always arrives, `ok: false`
 * with an HTTP-like `status` when refused (400 bad payload, 401 token no longer valid, 404 not
 * this agent's session, 413 payload too large, 429 rate limited, 5xx the gateway's fault: retry).
 */

/** Max session ids in one `heartbeat` batch. */
export const MAX_HEARTBEAT_BATCH = 1000;
/** Max JSON size of one event's payload; the HTTP body limit of the agent API is the same. */
export const MAX_AGENT_PAYLOAD_BYTES = 64 * 1024;

export interface AgentRefusal {
  ok: false;
  error: string;
  status: number;
  /** with 429: when to retry */
  retryAfterMs?: number;
}

export type AgentAck<T extends object> = ({ ok: true } & T) | AgentRefusal;

/** The open session, or its access-log entry when this externalId's session has already ended (same JSON as HTTP). */
export type WireSession = Record<string, unknown> & { id: string; externalId: string; status: string };

export type OpenAck = AgentAck<{ session: WireSession; created: boolean }>;
/** `unknown`: ids that are not open sessions of this agent (ended, timed out, never seen): stop heartbeating them. */
export type HeartbeatAck = AgentAck<{ unknown: string[] }>;
export type EndAck = AgentAck<{ entry: WireSession; alreadyEnded: boolean }>;

/** The body of `POST /api/agent/sessions` (OpenSessionDto). */
export interface WireOpenRequest {
  externalId: string;
  type: string;
  user: string;
  device: string;
  client: string;
  owner: string;
  port?: number;
  serviceUrl?: string;
  accountName?: string;
  serviceProvider?: string;
  startDate?: string;
}

export interface WireHeartbeatRequest {
  sessionIds: string[];
}

export interface WireEndRequest {
  sessionId: string;
  endDate?: string;
  reason?: 'ended' | 'failed' | 'terminated';
}

export interface AgentClientEvents {
  open: (request: WireOpenRequest, ack: (answer: OpenAck) => void) => void;
  heartbeat: (request: WireHeartbeatRequest, ack: (answer: HeartbeatAck) => void) => void;
  end: (request: WireEndRequest, ack: (answer: EndAck) => void) => void;
}

export interface AgentRevokedNotice {
  reason: 'revoked';
  error: string;
}

export interface AgentServerEvents {
  /** the agent's token was revoked or rotated: the server closes the socket next */
  revoked: (notice: AgentRevokedNotice) => void;
}

export const AGENT_EVENTS = ['open', 'heartbeat', 'end'] as const;
export type AgentEventName = (typeof AGENT_EVENTS)[number];
