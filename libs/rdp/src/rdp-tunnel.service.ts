import * as fs from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { WebSocket, WebSocketServer } from 'ws';
import { AccessLogService } from '@vigil/access-log';
import { AgentsService, UsersService, normalizeAddress, toPrincipal } from '@vigil/auth';
import { Clock, SessionEndedEvent, SessionEvents, endNotice, httpAuditContext } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { VigilConfig } from '@vigil/config';
import { recordingFileName, sha256OfFile } from '@vigil/recording';
import { LiveHub, type LiveFeed, shadowVerdict } from '@vigil/shadowing';
import { SessionsService } from '@vigil/sessions';
import { TargetWithCredentials, TargetsService } from '@vigil/targets';
import { clientAddress } from './client-address';
import { carriesInput, guacdErrorIn } from './guacamole-instructions';
import { GuacamoleLiteConnection, guacamoleLiteToken } from './guacamole-lite-token';
import { waitForQuietFile } from './recording-seal';
import { LiveRdpSession, RdpSessions, closeTunnel } from './rdp-sessions';
import { RdpTokens } from './rdp-tokens';
import { TUNNEL_PATH } from './tunnel-path';
import type { TunnelGrant } from './tunnel-token-store';
import { DisplaySize, checkUpgradeRequest } from './upgrade-request-check';

// guacamole-lite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const GuacamoleLite = require('guacamole-lite') as new (ws: object, guacd: object, client: object, callbacks?: object) => GuacamoleLiteServer;

interface GuacamoleLiteServer {
  webSocketServer: WebSocketServer;
  on(event: 'open' | 'close', listener: (connection: GuacamoleLiteConnectionHandle, error?: Error) => void): void;
  on(event: 'error', listener: (connection: GuacamoleLiteConnectionHandle | undefined, error: Error) => void): void;
  close(): void;
}

interface GuacamoleLiteConnectionHandle {
  webSocket: WebSocket;
  guacamoleConnectionId?: string;
}

const RDP_AGENT_NAME = 'embedded-rdp-gateway';
/** A user who sends no input (keys, mouse, clipboard; not keep-alives) for this long is disconnected. */
export const RDP_IDLE_LIMIT_MS = 30 * 60_000;
const MAX_HEARTBEAT_EVERY_MS = 30_000;
/** Messages from a browser larger than this are refused by ws (guacd itself takes 8 KiB instructions). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

interface UserTunnel {
  kind: 'user';
  tunnelId: string;
  grant: Extract<TunnelGrant, { kind: 'connect' }>;
  target: TargetWithCredentials;
  ip: string;
  recording: { relative: string; absolute: string };
  /** the registration under way or done (close waits for it) */
  registered?: Promise<LiveRdpSession | null>;
  session?: LiveRdpSession;
  /** the session's entry in LiveHub (its /live viewers) */
  feed?: LiveFeed;
  guacdError?: string;
}

interface ViewerTunnel {
  kind: 'viewer';
  grant: Extract<TunnelGrant, { kind: 'join' }>;
  sessionId: string;
}

type Tunnel = UserTunnel | ViewerTunnel;

/** `errorCode`: the refusal of a real token (audited as rdp.tunnel-refused under the token's user). */
class UpgradeRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

/**
 * Emitted for each upgrade refused with a malformed or unknown token: such tokens are not
 * audited one by one (a flood must not fill the trail), MetricsService counts them
 * (`vigil_rdp_tunnel_unread_tokens_total{reason}`).
 */
export const RDP_TOKEN_UNREAD_EVENT = 'rdp.tunnel.token-unread';

const TOKEN_REFUSAL_CODES = { expired: 'TokenExpired', replayed: 'TokenReplayed' } as const;

/**
 * The Guacamole tunnel on the gateway's HTTP port: guacamole-lite embedded without a server of
 * its own (`noServer`), fed only upgrades Vigil has checked — path, Origin, a single-use token,
 * the user still enabled and still granted — with a guacamole-lite token Vigil built itself
 * (credentials injected here, never sent to the browser). Registers each user's tunnel as a
 * PAM_RDP session once guacd answers `ready`, heartbeats it, ends it when the tunnel closes,
 * guacd fails, the user idles, or the session is terminated; seals guacd's recording.
 */
@Injectable()
export class RdpTunnelService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RdpTunnel');
  private readonly key = randomBytes(32);
  private readonly tunnels = new WeakMap<WebSocket, Tunnel>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly recordingsRoot: string;
  private readonly host = os.hostname();
  private lite?: GuacamoleLiteServer;
  private server?: Server;
  private dispatcher?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private others: Array<(...args: unknown[]) => void> = [];
  private timer?: NodeJS.Timeout;
  private agentId?: Promise<string>;
  private closing = false;
  /** what the idle check uses; tests shorten it */
  idleLimitMs = RDP_IDLE_LIMIT_MS;

  constructor(
    private readonly config: VigilConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: RdpTokens,
    private readonly live: RdpSessions,
    private readonly users: UsersService,
    private readonly agents: AgentsService,
    private readonly targets: TargetsService,
    private readonly sessions: SessionsService,
    private readonly accessLog: AccessLogService,
    private readonly clock: Clock,
    private readonly liveHub: LiveHub,
    private readonly outbox: AuditOutbox,
    private readonly events: EventEmitter2,
  ) {
    this.recordingsRoot = path.join(config.dataDir, 'recordings');
  }

  onApplicationBootstrap(): void {
    this.lite = new GuacamoleLite(
      { noServer: true, server: undefined, maxPayload: MAX_MESSAGE_BYTES },
      { host: this.config.guacd.host, port: this.config.guacd.port },
      {
        crypt: { cypher: 'AES-256-CBC', key: this.key },
        // Vigil's own idle rule applies (keep-alives are not activity); guacamole-lite's 10 s one would cut idle viewers.
        maxInactivityTime: 0,
        log: { level: 'ERRORS', stdLog: (...a: unknown[]) => this.logger.debug(a.join(' ')), errorLog: (...a: unknown[]) => this.logger.warn(a.join(' ')) },
      },
    );
    this.lite.on('open', (connection) => this.track(this.opened(connection)));
    this.lite.on('close', (connection, error) => this.track(this.closed(connection, error)));
    this.lite.on('error', (_connection, error) => this.logger.warn(`tunnel error: ${error?.message}`));

    // One `upgrade` listener dispatches: the tunnel's path here, everything else to the listeners
    // already there (socket.io). Otherwise engine.io, which sees every upgrade, would end a tunnel
    // upgrade still being checked after 1 s (its destroyUpgrade rule).
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server = server;
    this.others = server.listeners('upgrade') as Array<(...args: unknown[]) => void>;
    server.removeAllListeners('upgrade');
    this.dispatcher = (request, socket, head) => {
      const url = request.url ?? '';
      if (url === TUNNEL_PATH || url.startsWith(`${TUNNEL_PATH}?`) || url.startsWith(`${TUNNEL_PATH}/`)) {
        this.track(this.upgrade(request, socket, head));
      } else {
        for (const listener of this.others) listener.call(server, request, socket, head);
      }
    };
    server.on('upgrade', this.dispatcher);

    const every = Math.max(50, Math.min(Math.floor(this.config.heartbeatTimeoutMs / 3), MAX_HEARTBEAT_EVERY_MS));
    this.timer = setInterval(() => this.track(this.keepAlive()), every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.server && this.dispatcher) {
      this.server.removeListener('upgrade', this.dispatcher);
      for (const listener of this.others) this.server.on('upgrade', listener);
    }
    for (const session of this.live.all()) {
      session.endedByVigil ??= { reason: 'ended', message: 'the gateway shut down' };
      this.live.closeViewers(session.sessionId, 'The gateway is shutting down');
      closeTunnel(session.userWs, 'The gateway is shutting down');
    }
    // Closes guacamole-lite's connections and removes its SIGINT/SIGTERM handlers.
    this.lite?.close();
    const deadline = Date.now() + 20_000;
    while (this.pending.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...this.pending]), sleep(500)]);
  }

  /** A user's or an ended session's tunnel closes when the registry ends it (terminate, revoked user, timeout). */
  @OnEvent(SessionEvents.ended)
  onSessionEnded(event: SessionEndedEvent): void {
    const session = this.live.get(event.entry.id);
    if (!session) return;
    const notice = endNotice({ ...event.entry, endMessage: event.message ?? event.entry.endMessage });
    session.endedByVigil ??= { reason: event.entry.endReason };
    this.live.closeViewers(session.sessionId, notice);
    closeTunnel(session.userWs, notice);
  }

  private track<T>(work: Promise<T>): void {
    const tracked = work.catch((error: Error) => this.logger.error(`tunnel: ${error.message}`)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  // ── the upgrade ──────────────────────────────────────────────────────────────────────────────

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let grant: TunnelGrant | undefined;
    let ip = '';
    try {
      if (this.closing || !this.lite) throw new UpgradeRefusal(503, 'the gateway is shutting down');
      const check = checkUpgradeRequest(request, TUNNEL_PATH, this.config.allowedOrigins);
      if (!check.ok) throw new UpgradeRefusal(check.status, check.message);
      // Consumed before any await: two upgrades racing with one token can't both pass.
      const consumed = this.tokens.consume(check.token);
      ip = normalizeAddress(clientAddress(request, this.config.trustProxy));
      if (!consumed.ok) {
        if (consumed.refusal === 'expired' || consumed.refusal === 'replayed') {
          grant = consumed.grant;
          throw new UpgradeRefusal(401, 'invalid or expired token', TOKEN_REFUSAL_CODES[consumed.refusal]);
        }
        // Not audited (nobody's token): counted, and logged at debug only.
        this.events.emit(RDP_TOKEN_UNREAD_EVENT, { reason: consumed.refusal });
        this.logger.debug(`tunnel refused from ${ip}: token ${consumed.refusal}`);
        throw new UpgradeRefusal(401, 'invalid or expired token');
      }
      grant = consumed.grant;
      const { tunnel, connection } = await this.authorize(consumed.grant, ip, check.display);
      if (socket.destroyed) return;
      // guacamole-lite reads only this URL: Vigil's token, nothing the browser added.
      request.url = `${TUNNEL_PATH}?token=${encodeURIComponent(guacamoleLiteToken(this.key, connection))}`;
      const wss = this.lite.webSocketServer;
      wss.handleUpgrade(request, socket, head, (ws) => {
        this.tunnels.set(ws, tunnel);
        this.watch(ws, tunnel);
        wss.emit('connection', ws, request);
      });
    } catch (error) {
      const refusal = error instanceof UpgradeRefusal ? error : new UpgradeRefusal(500, 'internal error');
      if (!(error instanceof UpgradeRefusal)) this.logger.error(`tunnel upgrade failed: ${(error as Error).message}`);
      if (grant && refusal.errorCode) await this.auditRefusal(grant, refusal, request, ip);
      refuse(socket, refusal.status, refusal.message);
    }
  }

  /**
   * A refused upgrade whose token was real: audited under the token's user, with why. Awaited
   * before the refusal is answered; a failure to write is logged (the upgrade is refused anyway).
   */
  private async auditRefusal(grant: TunnelGrant, refusal: UpgradeRefusal, request: IncomingMessage, ip: string): Promise<void> {
    const requestParameters =
      grant.kind === 'connect' ? { kind: 'connect', targetName: grant.targetName } : { kind: 'join', sessionId: grant.sessionId, mode: grant.mode };
    try {
      await this.outbox.append({
        action: 'rdp.tunnel-refused',
        actor: `user:${grant.username}`,
        sessionId: grant.sessionId,
        context: httpAuditContext({ ip, headers: request.headers }),
        requestParameters,
        errorCode: refusal.errorCode,
        errorMessage: refusal.message,
        ...(grant.kind === 'connect' ? { resources: [{ type: 'Target', name: grant.targetName }] } : {}),
      });
    } catch (error) {
      this.logger.error(`auditing a refused RDP tunnel of ${grant.username} failed: ${(error as Error).message}`);
    }
  }

  /** The grant rechecked against now: the user enabled, the target still granted, the viewer still allowed. */
  private async authorize(grant: TunnelGrant, ip: string, display: DisplaySize): Promise<{ tunnel: Tunnel; connection: GuacamoleLiteConnection }> {
    const user = await this.users.findById(grant.userId);
    if (!user || user.disabledAt !== null) throw new UpgradeRefusal(403, 'forbidden', 'UserDisabled');
    const principal = toPrincipal(user);
    const screen = { width: display.width, height: display.height, dpi: display.dpi };
    if (grant.kind === 'join') {
      const session = this.live.get(grant.sessionId);
      if (!session) throw new UpgradeRefusal(404, 'session not found', 'SessionNotFound');
      const verdict = shadowVerdict(principal, session.owner, grant.mode);
      if (!verdict.ok) throw new UpgradeRefusal(403, verdict.error, 'JoinForbidden');
      return {
        tunnel: { kind: 'viewer', grant, sessionId: session.sessionId },
        connection: { join: session.connectionId, settings: { ...screen, 'read-only': grant.mode === 'view' ? 'true' : 'false' } },
      };
    }
    const target = await this.targets.findForUser(grant.targetName, principal);
    if (!target || target.protocol === 'ssh') throw new UpgradeRefusal(403, 'forbidden', 'TargetNotGranted');
    // The session id the connect call answered: the recording and the registry row carry it.
    const tunnelId = grant.sessionId;
    const relative = recordingFileName(`rdp-${tunnelId}`, new Date(this.clock.now())).replace(/\.cast$/, '.guac');
    const absolute = path.join(this.recordingsRoot, relative);
    // guacd's create-recording-path makes one folder level only; guacd runs on this host (or shares the data folder).
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    const settings: Record<string, string | number | boolean> = {
      ...screen,
      hostname: target.host,
      port: String(target.port),
      'recording-path': path.dirname(absolute),
      'recording-name': path.basename(absolute),
      'create-recording-path': 'true',
    };
    if (target.password !== undefined) settings.password = target.password;
    if (target.protocol === 'rdp') {
      settings.username = target.accountName;
      settings.security = target.security ?? 'any';
      if (target.ignoreCert) settings['ignore-cert'] = 'true';
      if (target.domain) settings.domain = target.domain;
    } else if (target.accountName) {
      settings.username = target.accountName;
    }
    return {
      tunnel: { kind: 'user', tunnelId, grant, target, ip, recording: { relative, absolute } },
      connection: { type: target.protocol, settings },
    };
  }

  /** The browser's input (idle rule) and guacd's errors (the session's end reason), seen beside guacamole-lite. */
  private watch(ws: WebSocket, tunnel: Tunnel): void {
    ws.on('error', () => undefined);
    if (tunnel.kind === 'viewer') {
      const { viewerId, mode, sessionId } = tunnel.grant;
      // The control lock: a /live interact viewer's input reaches guacd only while it may type;
      // keep-alives and sync acks always pass (guacd drops a silent member). Filtered before
      // guacamole-lite's own listener sees the message.
      if (viewerId !== undefined && mode === 'interact') {
        const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
        (ws as unknown as { emit: typeof emit }).emit = (event, ...args) => {
          if (event === 'message') {
            const [data, isBinary] = args as [Buffer, boolean];
            if ((isBinary || carriesInput(data.toString('utf8'))) && !this.liveHub.mayType(sessionId, viewerId)) return false;
          }
          return emit(event, ...args);
        };
      }
      return;
    }
    // The user's input counts for the idle rule, and is dropped while a viewer paused it (as the
    // jump drops a paused SSH user's keystrokes); keep-alives and sync acks always pass.
    const emitUser = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    (ws as unknown as { emit: typeof emitUser }).emit = (event, ...args) => {
      if (event === 'message') {
        const [data, isBinary] = args as [Buffer, boolean];
        if (isBinary || carriesInput(data.toString('utf8'))) {
          if (tunnel.session?.userInputPaused) return false;
          if (tunnel.session) tunnel.session.lastInputAt = this.clock.now();
        }
      }
      return emitUser(event, ...args);
    };
    const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
    (ws as unknown as { send: (data: unknown, ...rest: unknown[]) => void }).send = (data: unknown, ...rest: unknown[]) => {
      if (typeof data === 'string') {
        const error = guacdErrorIn(data);
        if (error && tunnel.guacdError === undefined) tunnel.guacdError = error.message || `guacd error ${error.status}`;
      }
      send(data, ...rest);
    };
  }

  // ── guacamole-lite's events ────────────────────────────────────────────────────────────────────

  private async opened(connection: GuacamoleLiteConnectionHandle): Promise<void> {
    const ws = connection.webSocket;
    const tunnel = this.tunnels.get(ws);
    const connectionId = connection.guacamoleConnectionId;
    if (!tunnel || !connectionId) return;
    if (tunnel.kind === 'viewer') {
      const session = this.live.get(tunnel.sessionId);
      if (!session) return closeTunnel(ws, 'The session ended');
      session.viewers.add({ ws, username: tunnel.grant.username, mode: tunnel.grant.mode, ...(tunnel.grant.viewerId !== undefined ? { viewerId: tunnel.grant.viewerId } : {}) });
      return;
    }
    tunnel.registered = this.register(tunnel, ws, connectionId);
    await tunnel.registered;
  }

  private async register(tunnel: UserTunnel, ws: WebSocket, connectionId: string): Promise<LiveRdpSession | null> {
    const { target, grant } = tunnel;
    const hostPart = target.host.includes(':') ? `[${target.host}]` : target.host;
    try {
      const { session } = await this.sessions.open(
        await this.rdpAgentId(),
        {
          externalId: tunnel.tunnelId,
          type: 'PAM_RDP',
          user: grant.username,
          device: tunnel.ip,
          client: this.host,
          port: target.port,
          serviceUrl: `${target.protocol}://${hostPart}:${target.port}`,
          accountName: target.accountName,
          serviceProvider: target.name,
          owner: target.owner ?? grant.username,
        },
        { actor: `user:${grant.username}`, context: { sourceIp: tunnel.ip } },
        { sessionId: grant.sessionId },
      );
      const live: LiveRdpSession = {
        sessionId: session.id,
        connectionId,
        owner: session.owner,
        username: grant.username,
        targetName: target.name,
        userWs: ws,
        viewers: new Set(),
        lastInputAt: this.clock.now(),
      };
      this.live.add(live);
      tunnel.session = live;
      // Watchable on /live (attach mints a join token through GUACAMOLE_JOIN_MINTER); ended in finish().
      // No recordingFile: the live rewind (DVR) reads asciicast only, not guacd's .guac format (yet).
      tunnel.feed = this.liveHub.open(
        { sessionId: session.id, owner: session.owner, user: grant.username, announceWatching: target.policy.announceWatching, recordingFile: null },
        {
          kind: 'rdp',
          setUserInputPaused: (paused: boolean) => {
            live.userInputPaused = paused;
          },
          // guacamole-lite speaks protocol 1.1.0: guacd has no channel for a notice to the user (yet)
          notifyUser: () => undefined,
          terminate: (reason) => {
            live.endedByVigil ??= { reason: 'terminated' };
            // the viewers get the reason too (the hub's close after this would say only "The session ended")
            this.live.closeViewers(live.sessionId, reason);
            closeTunnel(ws, reason);
          },
        },
      );
      // The tunnel closed while the session was being registered: end it at once.
      if (ws.readyState !== ws.OPEN) await this.finish(tunnel, live, undefined);
      return live;
    } catch (error) {
      this.logger.error(`registering the RDP session of ${grant.username} on ${target.name} failed: ${(error as Error).message}`);
      closeTunnel(ws, 'Vigil could not register this session');
      return null;
    }
  }

  private async closed(connection: GuacamoleLiteConnectionHandle, error?: Error): Promise<void> {
    const ws = connection.webSocket;
    const tunnel = this.tunnels.get(ws);
    if (!tunnel) return;
    if (tunnel.kind === 'viewer') {
      const session = this.live.get(tunnel.sessionId);
      if (session) for (const viewer of session.viewers) if (viewer.ws === ws) session.viewers.delete(viewer);
      return;
    }
    if (!tunnel.registered) {
      if (tunnel.guacdError || error) this.logger.warn(`RDP tunnel to ${tunnel.target.name} closed before guacd was ready: ${tunnel.guacdError ?? error?.message}`);
      return;
    }
    const live = await tunnel.registered;
    if (live) await this.finish(tunnel, live, error);
  }

  /** Ends the session (once), closes its viewers, seals the recording. */
  private async finish(tunnel: UserTunnel, live: LiveRdpSession, error: Error | undefined): Promise<void> {
    if (!this.live.remove(live.sessionId)) return;
    tunnel.feed?.close('ended');
    for (const viewer of live.viewers) closeTunnel(viewer.ws, 'The user left the session');
    live.viewers.clear();
    const failure = tunnel.guacdError ?? error?.message;
    const end = live.endedByVigil ?? (failure ? { reason: 'failed' as const, message: failure } : { reason: 'ended' as const });
    try {
      await this.sessions.end(live.sessionId, { reason: end.reason, agentId: await this.rdpAgentId(), message: end.message });
    } catch (endError) {
      this.logger.error(`ending RDP session ${live.sessionId} failed: ${(endError as Error).message}`);
    }
    await this.seal(live.sessionId, tunnel.recording);
  }

  private async seal(sessionId: string, recording: { relative: string; absolute: string }): Promise<void> {
    try {
      const exists = await waitForQuietFile(recording.absolute);
      if (!exists) {
        await this.accessLog.attachRecording(sessionId, null, null, 'incomplete');
        this.logger.warn(`guacd left no recording for RDP session ${sessionId}`);
        return;
      }
      await this.accessLog.attachRecording(sessionId, recording.relative, await sha256OfFile(recording.absolute), 'complete');
    } catch (error) {
      this.logger.error(`sealing the recording of RDP session ${sessionId} failed: ${(error as Error).message}`);
    }
  }

  /** Heartbeats every live session (this gateway is their agent) and disconnects idle users. */
  private async keepAlive(): Promise<void> {
    const now = this.clock.now();
    for (const session of this.live.all()) {
      if (now - session.lastInputAt > this.idleLimitMs) {
        session.endedByVigil ??= { reason: 'timeout', message: `no input for ${Math.round(this.idleLimitMs / 1000)} s` };
        const notice = `Session ended by Vigil (timeout): no input for ${Math.round(this.idleLimitMs / 1000)} s`;
        this.live.closeViewers(session.sessionId, notice);
        closeTunnel(session.userWs, notice);
        continue;
      }
      await this.sessions.heartbeat(await this.rdpAgentId(), session.sessionId).catch((error: Error) => this.logger.warn(`heartbeat of RDP session ${session.sessionId}: ${error.message}`));
    }
  }

  /** The gateway's agent identity for the sessions it carries (a jump-server kind: the target is their service provider). */
  private rdpAgentId(): Promise<string> {
    this.agentId ??= this.agents.ensureInternal(RDP_AGENT_NAME, 'jump-server');
    return this.agentId;
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 414: 'URI Too Long', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** An HTTP answer on the raw socket of a refused upgrade, then the socket closed. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1_000).unref();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
