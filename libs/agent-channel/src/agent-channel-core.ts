import { HttpException, Logger } from '@nestjs/common';
import type { AuditContext } from '@vigil/common';
import type { SessionsService } from '@vigil/sessions';
import { parseEnd, parseHeartbeat, parseOpen } from './agent-payloads';
import type { AgentRefusal, EndAck, HeartbeatAck, OpenAck, WireSession } from './agent-wire';

/** What the channel needs of the registry: the very methods the agent HTTP API calls. */
export type AgentSessionsPort = Pick<SessionsService, 'open' | 'heartbeatMany' | 'end'>;

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

  /** The whole batch in one transaction (SessionsService.heartbeatMany): one commit, not one per id. */
  async heartbeat(caller: AgentCaller, payload: unknown): Promise<HeartbeatAck> {
    const parsed = parseHeartbeat(payload);
    if (!parsed.ok) return badRequest(parsed.error);
    try {
      return { ok: true, unknown: await this.sessions.heartbeatMany(caller.agentId, parsed.value.sessionIds) };
    } catch (error) {
      return this.refusal(error, 'heartbeat');
    }
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
