import { Logger } from '@nestjs/common';
import type { AgentPrincipal, AuthService } from '@vigil/auth';
import type { AgentNamespace, AgentSocket } from './agent-socket';

/** Every socket of one agent, on every gateway of the cluster (socket.io's Redis adapter). */
export const agentSocketRoom = (agentId: string): string => `agent:${agentId}`;

export const AGENT_SOCKET_UNAUTHORIZED = { ok: false as const, status: 401, error: 'unauthorized: the agent token was revoked or rotated' };
const REVOKED_NOTICE = { reason: 'revoked' as const, error: 'this agent token was revoked or rotated: reconnect with a valid one' };
const MAX_TOKEN_CHARS = 512;

/**
 * Agent authentication for /agents for as long as a socket lives: the handshake checks `auth.token`
 * with AuthService.authenticateAgent (what AgentAuthGuard does for HTTP); every event checks it
 * again (`recheck`, cached 5 s by the service); a revoke or rotate closes the agent's sockets at
 * once through its room (`revoke`). The token stays in this object, never in `socket.data` (sent
 * to other gateways by fetchSockets) nor in a log.
 */
export class AgentSocketAuth {
  private readonly tokens = new WeakMap<object, string>();

  constructor(
    private readonly auth: Pick<AuthService, 'authenticateAgent'>,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  protect(namespace: AgentNamespace): void {
    namespace.use((socket, next) => void this.handshake(socket, next));
  }

  /** The socket's agent, verified now; null (and the socket told and closed after the ack) when its token no longer works. */
  async recheck(socket: AgentSocket): Promise<AgentPrincipal | null> {
    const token = this.tokens.get(socket);
    const agent = token ? await this.auth.authenticateAgent(token).catch(() => undefined) : null;
    if (agent === undefined) return socket.data.agent; // the database is down: not a revocation
    if (!agent || agent.id !== socket.data.agent.id) {
      setImmediate(() => this.close(socket));
      return null;
    }
    return agent;
  }

  /** Closes every socket of the agent, in this namespace, on every gateway. */
  revoke(namespace: AgentNamespace, agentId: string): void {
    const room = agentSocketRoom(agentId);
    namespace.to(room).emit('revoked', REVOKED_NOTICE);
    namespace.in(room).disconnectSockets(true);
  }

  private async handshake(socket: AgentSocket, next: (error?: Error) => void): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    try {
      const agent = typeof token === 'string' && token.length <= MAX_TOKEN_CHARS ? await this.auth.authenticateAgent(token) : null;
      if (!agent) return next(new Error('unauthorized: a valid agent token is required in auth.token'));
      this.tokens.set(socket, token as string);
      socket.data.agent = agent;
      next();
    } catch (error) {
      this.logger.error(`agent socket authentication failed: ${(error as Error).message}`);
      next(new Error('authentication unavailable, retry later'));
    }
  }

  private close(socket: AgentSocket): void {
    if (!socket.connected) return;
    socket.emit('revoked', REVOKED_NOTICE);
    socket.disconnect(true);
  }
}
