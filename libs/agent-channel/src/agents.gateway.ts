import { Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { AgentEvents, AgentRevokedEvent, AuthService, socketAuditContext } from '@vigil/auth';
import { SessionsService } from '@vigil/sessions';
import { AgentChannelCore } from './agent-channel-core';
import { AgentRateLimits } from './agent-rate-limits';
import { AGENT_SOCKET_UNAUTHORIZED, AgentSocketAuth, agentSocketRoom } from './agent-socket-auth';
import type { AgentNamespace, AgentSocket } from './agent-socket';
import { AGENT_EVENTS, AgentEventName, AgentRefusal, MAX_AGENT_PAYLOAD_BYTES } from './agent-wire';
import { checkPayloadSize } from './payload-size';

type Ack = (answer: unknown) => void;

/**
 * socket.io `/agents`: one persistent connection per agent for open / heartbeat (batched) / end
 * with acks — the same SessionsService calls, validation and audit records as the agent HTTP API,
 * which stays the fallback. This class only translates: a packet passes the size limit, the
 * agent's rate limit and its token again, then AgentChannelCore answers it.
 *
 * The handlers are plain `socket.on` listeners rather than @SubscribeMessage: every packet gets
 * exactly one ack, whatever it holds, and nothing a client sends reaches Nest's exception path.
 */
@WebSocketGateway({ namespace: '/agents' })
export class AgentsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(AgentsGateway.name);
  @WebSocketServer() private readonly server: AgentNamespace;
  private readonly socketAuth: AgentSocketAuth;
  private readonly core: AgentChannelCore;
  private readonly rateLimits = new AgentRateLimits();
  /** sockets per agent in this process, to forget its buckets when the last one leaves */
  private readonly connected = new Map<string, number>();

  constructor(auth: AuthService, sessions: SessionsService) {
    this.socketAuth = new AgentSocketAuth(auth, this.logger);
    this.core = new AgentChannelCore(sessions, this.logger);
  }

  afterInit(namespace: AgentNamespace): void {
    this.socketAuth.protect(namespace);
  }

  /** A revoked or rotated token: its sockets close now, here and on the other gateways. */
  @OnEvent(AgentEvents.revoked)
  onAgentRevoked({ agentId }: AgentRevokedEvent): void {
    this.socketAuth.revoke(this.server, agentId);
  }

  handleConnection(socket: AgentSocket): void {
    const agentId = socket.data.agent.id;
    socket.data.context = socketAuditContext(socket);
    void socket.join(agentSocketRoom(agentId));
    this.connected.set(agentId, (this.connected.get(agentId) ?? 0) + 1);
    socket.onAny((event: string, ...args: unknown[]) => void this.dispatch(socket, event, args));
  }

  handleDisconnect(socket: AgentSocket): void {
    const agentId = socket.data.agent?.id;
    if (!agentId) return;
    const left = (this.connected.get(agentId) ?? 1) - 1;
    if (left > 0) return void this.connected.set(agentId, left);
    this.connected.delete(agentId);
    this.rateLimits.forget(agentId);
  }

  private async dispatch(socket: AgentSocket, event: string, args: unknown[]): Promise<void> {
    const ack = args.at(-1);
    // request/ack only: an event without an ack could not tell the agent whether it was recorded
    if (typeof ack !== 'function') return;
    const answer = (await this.handle(socket, event, args.slice(0, -1)).catch((error: Error) => {
      this.logger.error(`agent event ${event.slice(0, 32)} failed: ${error.message}`);
      return { ok: false, status: 500, error: 'internal error' } satisfies AgentRefusal;
    })) as unknown;
    (ack as Ack)(answer);
  }

  private async handle(socket: AgentSocket, event: string, payload: unknown[]): Promise<unknown> {
    if (!(AGENT_EVENTS as readonly string[]).includes(event)) {
      return { ok: false, status: 400, error: `unknown event; expected one of: ${AGENT_EVENTS.join(', ')}` } satisfies AgentRefusal;
    }
    const name = event as AgentEventName;
    const agentId = socket.data.agent.id;
    // cheapest first: a flood never reaches the token check nor the database
    const limited = this.rateLimits.refusal(agentId, name);
    if (limited) return limited;
    const size = checkPayloadSize(payload);
    if (size === 'too-large') return { ok: false, status: 413, error: `payload larger than ${MAX_AGENT_PAYLOAD_BYTES} bytes` } satisfies AgentRefusal;
    if (size === 'not-json') return { ok: false, status: 400, error: 'payload must be plain JSON' } satisfies AgentRefusal;
    if (payload.length !== 1) return { ok: false, status: 400, error: 'expected exactly one payload and an ack' } satisfies AgentRefusal;
    const agent = await this.socketAuth.recheck(socket);
    if (!agent) return AGENT_SOCKET_UNAUTHORIZED;
    const caller = { agentId: agent.id, context: socket.data.context };
    return this.core[name](caller, payload[0]);
  }
}
