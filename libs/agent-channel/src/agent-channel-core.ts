import { HttpException, Logger } from '@nestjs/common';
import type { AuditContext } from '@vigil/common';
import type { SessionsService } from '@vigil/sessions';
import { parseEnd, parseHeartbeat, parseOpen } from './agent-payloads';
import type { AgentRefusal, EndAck, HeartbeatAck, OpenAck, WireSession } from './agent-wire';

/** What the channel needs of the registry: the very methods the agent HTTP API calls. */
export type AgentSessionsPort = Pick<SessionsService, 'open' | 'heartbeat' | 'end'>;

/** Heartbeats applied between two turns of the event loop (see `heartbeat`). */
export const HEARTBEATS_PER_TURN = 50;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface AgentCaller {
  agentId: string;
  context: AuditContext;
}

/**
 * The rules of /agents without sockets: parse a payload as the HTTP API would, call the same
 * SessionsService method with the same audit origin, and map every outcome to an ack. Nothing
 * thrown escapes: a domain error becomes its HTTP status; anything else is logged and is a 500
 * (the agent retries; the gateway lives on).
 */
export class AgentChannelCore {
  constructor(
    private readonly sessions: AgentSessionsPort,
    private readonly logger: Pick<Logger, 'error'> = new Logger(AgentChannelCore.name),
    private readonly yieldTurn: () => Promise<void> = nextTurn,
  ) {}

  async open(caller: AgentCaller, payload: unknown): Promise<OpenAck> {
    const parsed = parseOpen(payload);
    if (!parsed.ok) return badRequest(parsed.error);
    try {
      const { session, created } = await this.sessions.open(caller.agentId, parsed.value, { context: caller.context });
      return { ok: true, session: session as unknown as WireSession, created };
    } catch (error) {
      return this.refusal(error, 'open');
    }
  }

  /**
   * Sequential: each id is the HTTP route's one transaction; concurrent ones would only queue on
   * the database's writer lock. SQLite's driver is synchronous, so a batch of 1,000 would hold the
   * event loop for its whole length: every HEARTBEATS_PER_TURN ids it lets other sockets and
   * requests in.
   */
  async heartbeat(caller: AgentCaller, payload: unknown): Promise<HeartbeatAck> {
    const parsed = parseHeartbeat(payload);
    if (!parsed.ok) return badRequest(parsed.error);
    const unknown: string[] = [];
    for (const [index, sessionId] of parsed.value.sessionIds.entries()) {
      if (index > 0 && index % HEARTBEATS_PER_TURN === 0) await this.yieldTurn();
      try {
        await this.sessions.heartbeat(caller.agentId, sessionId);
      } catch (error) {
        if (error instanceof HttpException && error.getStatus() === 404) unknown.push(sessionId);
        else return this.refusal(error, 'heartbeat');
      }
    }
    return { ok: true, unknown };
  }

  async end(caller: AgentCaller, payload: unknown): Promise<EndAck> {
    const parsed = parseEnd(payload);
    if (!parsed.ok) return badRequest(parsed.error);
    const { sessionId, body } = parsed.value;
    try {
      const { entry, alreadyEnded } = await this.sessions.end(sessionId, {
        reason: body.reason ?? 'ended',
        endDate: body.endDate ? Date.parse(body.endDate) : undefined,
        agentId: caller.agentId,
        audit: { context: caller.context },
      });
      return { ok: true, entry: entry as unknown as WireSession, alreadyEnded };
    } catch (error) {
      return this.refusal(error, 'end');
    }
  }

  private refusal(error: unknown, event: string): AgentRefusal {
    if (error instanceof HttpException && error.getStatus() < 500) {
      return { ok: false, status: error.getStatus(), error: httpMessage(error) };
    }
    this.logger.error(`agent ${event} failed: ${(error as Error)?.message ?? String(error)}`);
    return { ok: false, status: 503, error: `${event} failed on the gateway, retry later` };
  }
}

function badRequest(error: string): AgentRefusal {
  return { ok: false, status: 400, error };
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}
