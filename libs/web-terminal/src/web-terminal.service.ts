import { Injectable, Logger } from '@nestjs/common';
import type { Client, ClientChannel } from 'ssh2';
import { type UserPrincipal, normalizeAddress } from '@vigil/auth';
import type { AuditContext } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import {
  type JumpSessionStartInfo,
  JumpPortsAdapter,
  JumpService,
  type LiveSshSession,
  clampTerminalSize,
  connectUpstream,
  errorMessage,
  refusal,
  startRelayedSession,
} from '@vigil/ssh-jump';
import { type DownstreamSink, SocketDownstream } from './socket-downstream';

/** The registry's `client` of a browser terminal's session (the jump's sessions name its host). */
export const WEB_TERMINAL_CLIENT = 'vigil web terminal';
/** The jump's own defaults towards targets (JumpServer): keepalive 15 s × 3, 15 s to log in. */
const UPSTREAM = { keepaliveIntervalMs: 15_000, keepaliveCountMax: 3, readyTimeoutMs: 15_000 };
const TERM = 'xterm-256color';

export interface WebTerminalRequest {
  user: UserPrincipal;
  target: string;
  cols: number;
  rows: number;
  /** the browser's address and port, as the socket saw them */
  clientIp: string;
  clientPort: number;
  audit: AuditContext;
  sink: DownstreamSink;
}

export type WebTerminalOpened =
  | { ok: true; session: LiveSshSession; downstream: SocketDownstream }
  | { ok: false; error: string };

/**
 * Opens a browser terminal to an SSH target on the jump's own path: the target resolved through
 * the user's grants (unknown and forbidden look the same), the stored account, the pinned host key,
 * the same PAM_SSH registration, recording, live hub and end (JumpPortsAdapter, startRelayedSession,
 * JumpService.adopt). Only the user's side differs: a socket instead of an SSH channel.
 */
@Injectable()
export class WebTerminalService {
  private readonly logger = new Logger(WebTerminalService.name);

  constructor(
    private readonly ports: JumpPortsAdapter,
    private readonly jump: JumpService,
    private readonly outbox: AuditOutbox,
  ) {}

  async open(request: WebTerminalRequest): Promise<WebTerminalOpened> {
    const { user } = request;
    const jumpUser = { id: user.id, username: user.username, roles: user.roles };
    const target = await this.ports.resolveTarget(jumpUser, request.target);
    if (!target) {
      const message = refusal.unknownTarget(request.target);
      await this.refused(request, 'TargetNotAllowed', message);
      return { ok: false, error: message };
    }
    const upstream = await connectUpstream(target, this.ports, UPSTREAM, this.logger);
    if (!upstream.ok) {
      await this.refused(request, 'TargetUnreachable', upstream.message);
      return { ok: false, error: upstream.message };
    }
    const client = upstream.client;
    // No way in without its record, as at the jump's door.
    try {
      await this.outbox.append({
        action: 'web-terminal.open',
        actor: `user:${user.username}`,
        context: request.audit,
        requestParameters: { target: target.name, cols: request.cols, rows: request.rows, clientPort: request.clientPort },
        resources: [{ type: 'Target', name: target.name }],
      });
    } catch (error) {
      client.end();
      this.logger.error(`web terminal of ${user.username} refused: its audit record could not be written: ${errorMessage(error)}`);
      return { ok: false, error: refusal.auditUnavailable() };
    }
    const size = clampTerminalSize({ cols: request.cols, rows: request.rows, width: 0, height: 0 }) ?? { cols: 80, rows: 24, width: 0, height: 0 };
    let channel: ClientChannel;
    try {
      channel = await shell(client, size.cols, size.rows);
    } catch (error) {
      client.end();
      this.logger.warn(`target ${target.name} refused a shell: ${errorMessage(error)}`);
      return { ok: false, error: refusal.upstreamFailed(target.name) };
    }
    client.on('error', (err: Error) => this.logger.warn(`upstream ${target.name}: ${err.message}`));
    const downstream = new SocketDownstream(request.sink);
    const info: JumpSessionStartInfo = {
      user: jumpUser,
      target,
      clientIp: normalizeAddress(request.clientIp),
      clientPort: request.clientPort,
      cols: size.cols,
      rows: size.rows,
      term: TERM,
      pty: true,
      kind: 'shell',
      client: WEB_TERMINAL_CLIENT,
    };
    const session = await startRelayedSession(downstream, channel, info, {
      ports: this.ports,
      logger: this.logger,
      // one upstream connection per browser terminal: closing "the connection" is closing both ends
      closeConnection: () => {
        client.end();
        downstream.hangUp();
      },
      sessionOpened: (live) => this.jump.adopt(live),
      sessionClosed: () => client.end(),
    });
    if (!session) {
      client.end();
      downstream.destroy();
      return { ok: false, error: refusal.sessionRefused() };
    }
    this.logger.log(`user ${user.username} opened a web terminal to ${target.name} (session ${session.id})`);
    return { ok: true, session, downstream };
  }

  /** A refusal stands whether or not its record can be written; a failed write is logged. */
  private async refused(request: WebTerminalRequest, errorCode: string, message: string): Promise<void> {
    try {
      await this.outbox.append({
        action: 'web-terminal.open-refused',
        actor: `user:${request.user.username}`,
        context: request.audit,
        requestParameters: { target: request.target, clientPort: request.clientPort },
        errorCode,
        errorMessage: message,
      });
    } catch (error) {
      this.logger.error(`audit record of a refused web terminal could not be written: ${errorMessage(error)}`);
    }
  }
}

function shell(client: Client, cols: number, rows: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.shell({ cols, rows, height: 0, width: 0, term: TERM }, (err, channel) => (err ? reject(err) : resolve(channel)));
  });
}
