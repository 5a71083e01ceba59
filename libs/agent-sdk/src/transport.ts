/**
 * How the SDK talks to the gateway. The HTTP transport (http-transport.ts) is the default and the
 * fallback; a socket.io transport may implement the same interface. The types mirror the agent
 * HTTP API (docs/API.md "Session registry", libs/sessions/src/dto): they are copied, not imported,
 * so the SDK stays a package of its own.
 */

/** Session types an agent may report (SSM is the importer's own). */
export const AGENT_SESSION_TYPES = ['CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_RDP', 'PAM_SSH'] as const;
export type SessionType = (typeof AGENT_SESSION_TYPES)[number];

/** Reasons an agent may give when it ends a session. */
export const AGENT_END_REASONS = ['ended', 'failed', 'terminated'] as const;
export type EndReason = (typeof AGENT_END_REASONS)[number];

/** `POST /api/agent/sessions` body. `owner` is the Vigil username who may see the session. */
export interface OpenRequest {
  externalId: string;
  type: SessionType;
  user: string;
  device: string;
  client: string;
  port?: number;
  serviceUrl?: string;
  accountName?: string;
  serviceProvider?: string;
  owner: string;
  startDate?: string;
}

export interface OpenedSession {
  id: string;
  externalId: string;
  status: string;
}

export interface EndBody {
  endDate?: string;
  reason?: EndReason;
}

export interface AgentTransport {
  open(request: OpenRequest): Promise<OpenedSession>;
  /** Batched where the transport allows it (HTTP sends one request per id). */
  heartbeat(sessionIds: string[]): Promise<void>;
  end(sessionId: string, body: EndBody): Promise<void>;
  close(): Promise<void>;
}

/**
 * Thrown by transports: retryable (network, timeout, 5xx, 429) or final (any other 4xx: the
 * queue drops the item and reports why).
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * The session ids a heartbeat's error says the gateway does not have open (ended by a timeout, a
 * terminate, or never known): transports throw a TransportError with status 404 that carries them
 * as `sessionIds`, and the agent stops heartbeating those sessions.
 */
export function unknownSessionIdsOf(error: unknown): string[] | undefined {
  if (!(error instanceof TransportError) || error.status !== 404) return undefined;
  const ids = (error as TransportError & { sessionIds?: unknown }).sessionIds;
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
}
