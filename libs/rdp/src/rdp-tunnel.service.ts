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
import { RecordingLocation, RecordingStore } from '@vigil/recording';
import { LiveHub, type LiveFeed, shadowVerdict } from '@vigil/shadowing';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import { TargetWithCredentials, TargetsService } from '@vigil/targets';
import { clientAddress } from './client-address';
import { carriesInput, endsFrame, guacdErrorIn, withoutMouse } from './guacamole-instructions';
import { GuacamoleLiteConnection, guacamoleLiteToken } from './guacamole-lite-token';
import { sendNotice } from './rdp-notices';
import { RemoteJoinTarget, readRedemption } from './rdp-token-redemption';
import { LiveRdpSession, RdpSessions, closeTunnel } from './rdp-sessions';
import { RdpTokens } from './rdp-tokens';
import { TUNNEL_PATH } from './tunnel-path';
import { type ConsumeResult, type TunnelGrant, tunnelTokenHash } from './tunnel-token-store';
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
/**
 * How often a gateway asks the cluster whether the sessions its viewer tunnels join elsewhere are
 * still carried: a gateway that died never says so, and guacd keeps the connection while any
 * member (these viewers) remains.
 */
const REMOTE_HOLDER_CHECK_MS = 2_000;

interface UserTunnel {
  kind: 'user';
  tunnelId: string;
  grant: Extract<TunnelGrant, { kind: 'connect' }>;
  target: TargetWithCredentials;
  ip: string;
  recording: RecordingLocation;
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
  /** the session is carried by another gateway (this tunnel joined guacd's connection from here) */
  remote: boolean;
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
  private readonly host = os.hostname();
  private lite?: GuacamoleLiteServer;
  private server?: Server;
  private dispatcher?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private others: Array<(...args: unknown[]) => void> = [];
  private timer?: NodeJS.Timeout;
  private holderTimer?: NodeJS.Timeout;
  private checkingHolders = false;
  private readonly unsubscribe: Array<() => void> = [];
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
    private readonly directory: SessionDirectory,
    private readonly recordings: RecordingStore,
  ) {}

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
    this.holderTimer = setInterval(() => this.track(this.closeOrphanedViewers()), REMOTE_HOLDER_CHECK_MS);
    this.holderTimer.unref();
    // With several gateways: a session ended through another process (pushed `live:ended`), and
    // the viewers or the lock of sessions carried elsewhere that viewer tunnels here join.
    this.unsubscribe.push(
      this.liveHub.onEndedElsewhere((sessionId) => this.track(this.endedElsewhere(sessionId))),
      this.liveHub.onStateElsewhere((sessionId) => this.closeDetachedRemoteViewers(sessionId)),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.holderTimer) clearInterval(this.holderTimer);
    this.unsubscribe.forEach((stop) => stop());
    for (const sessionId of this.live.remoteSessionIds()) this.live.closeViewers(sessionId, 'The gateway is shutting down');
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
    const notice = endNotice({ ...event.entry, endMessage: event.message ?? event.entry.endMessage });
    // Ended through this gateway, carried by another: the viewer tunnels here close now (the
    // carrier learns it over the cluster link and closes the user's tunnel).
    if (!session) {
      this.live.closeViewers(event.entry.id, notice);
      return;
    }
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
      // Consumed before any await: two upgrades racing with one token can't both pass. A token
      // minted by another gateway is consumed by that gateway (redeemed over the cluster link).
      let consumed: ConsumeResult = this.tokens.consume(check.token);
      ip = normalizeAddress(clientAddress(request, this.config.trustProxy));
      let remote: RemoteJoinTarget | undefined;
      if (!consumed.ok && consumed.refusal === 'unknown' && this.liveHub.clustered) {
        const redeemed = await this.redeemElsewhere(check.token);
        if (redeemed) ({ consumed, join: remote } = redeemed);
      }
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
      const { tunnel, connection } = await this.authorize(consumed.grant, ip, check.display, remote);
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
  /** A token another gateway minted, consumed there; null when no gateway knows it. */
  private async redeemElsewhere(token: string): Promise<{ consumed: ConsumeResult; join?: RemoteJoinTarget } | null> {
    const redemption = await this.liveHub.redeemElsewhere(tunnelTokenHash(token));
    if (!redemption) return null;
    const read = readRedemption(redemption.grant);
    if (!read) {
      this.logger.warn('a gateway answered a token redemption Vigil cannot read: refused');
      return null;
    }
    return read;
  }

  /**
   * `remote`: the join of a session another gateway carries, as its minter answered (guacd's
   * connection id, the owner). Every gateway talks to the same guacd (one GUACD_HOST), so joining
   * that connection from here is joining the user's screen.
   */
  private async authorize(grant: TunnelGrant, ip: string, display: DisplaySize, remote?: RemoteJoinTarget): Promise<{ tunnel: Tunnel; connection: GuacamoleLiteConnection }> {
    const user = await this.users.findById(grant.userId);
    if (!user || user.disabledAt !== null) throw new UpgradeRefusal(403, 'forbidden', 'UserDisabled');
    const principal = toPrincipal(user);
    const screen = { width: display.width, height: display.height, dpi: display.dpi };
    if (grant.kind === 'join') {
      const local = this.live.get(grant.sessionId);
      const session = local ?? remote;
      if (!session) throw new UpgradeRefusal(404, 'session not found', 'SessionNotFound');
      const verdict = shadowVerdict(principal, session.owner, grant.mode);
      if (!verdict.ok) throw new UpgradeRefusal(403, verdict.error, 'JoinForbidden');
      return {
        tunnel: { kind: 'viewer', grant, sessionId: grant.sessionId, remote: !local },
        connection: { join: session.connectionId, settings: { ...screen, 'read-only': grant.mode === 'view' ? 'true' : 'false' } },
      };
    }
    const target = await this.targets.findForUser(grant.targetName, principal);
    if (!target || target.protocol === 'ssh') throw new UpgradeRefusal(403, 'forbidden', 'TargetNotGranted');
    // The session id the connect call answered: the recording and the registry row carry it.
    const tunnelId = grant.sessionId;
    // guacd runs on this host (or shares the data folder): it writes the file at this path itself.
    const recording = this.recordings.openDesktop(this.recordings.locate(`rdp-${tunnelId}`, new Date(this.clock.now()), 'guacamole'));
    const { absolute } = recording;
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
      tunnel: { kind: 'user', tunnelId, grant, target, ip, recording },
      connection: { type: target.protocol, settings },
    };
  }

  /**
   * The browser's input (control lock, pause, idle rule) and guacd's output (its first frame, its
   * errors as the session's end reason), seen beside guacamole-lite: its own listener only sees a
   * message this lets through.
   */
  private watch(ws: WebSocket, tunnel: Tunnel): void {
    ws.on('error', () => undefined);
    // guacd 1.6.0 (the official image too) kills the connection's process on a mouse move that
    // arrives before its render thread exists, i.e. before the target has connected (vendored fix:
    // vendor/guacamole-server-1.6.0-mouse-before-render-thread.patch). Its first frame comes from
    // the display that thread renders: until this tunnel has seen a `sync`, moves are dropped
    // (nothing is on screen to point at yet) and everything else passes.
    let framed = false;
    const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
    (ws as unknown as { send: typeof send }).send = (data, ...rest) => {
      if (typeof data === 'string') {
        if (!framed && endsFrame(data)) framed = true;
        if (tunnel.kind === 'user') {
          const error = guacdErrorIn(data);
          if (error && tunnel.guacdError === undefined) tunnel.guacdError = error.message || `guacd error ${error.status}`;
        }
      }
      send(data, ...rest);
    };
    const admit = this.inputRule(tunnel);
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    (ws as unknown as { emit: typeof emit }).emit = (event, ...args) => {
      if (event !== 'message') return emit(event, ...args);
      const [data, isBinary] = args as [Buffer, boolean];
      if (isBinary) return !admit || admit(true) ? emit(event, ...args) : false;
      if (framed && !admit) return emit(event, ...args);
      const text = data.toString('utf8');
      if (admit && !admit(carriesInput(text))) return false;
      if (framed) return emit(event, ...args);
      const rest = withoutMouse(text);
      if (rest === text) return emit(event, ...args);
      return rest === '' ? false : emit(event, Buffer.from(rest, 'utf8'), false);
    };
  }

  /**
   * Whether a browser message may reach guacd, given whether it carries input (anything but
   * keep-alives and sync acks, which always pass: guacd drops a silent member); null when every
   * message may (nothing to read them for).
   */
  private inputRule(tunnel: Tunnel): ((isInput: boolean) => boolean) | null {
    if (tunnel.kind === 'viewer') {
      const { viewerId, mode, sessionId } = tunnel.grant;
      // The control lock: a /live interact viewer's input reaches guacd only while it may type.
      // (A read-only join's input is dropped by guacd itself.)
      if (viewerId === undefined || mode !== 'interact') return null;
      return (isInput) => !isInput || this.liveHub.mayType(sessionId, viewerId);
    }
    // The user's input counts for the idle rule, and is dropped while a viewer paused it (as the
    // jump drops a paused SSH user's keystrokes).
    return (isInput) => {
      if (!isInput) return true;
      if (tunnel.session?.userInputPaused) return false;
      if (tunnel.session) tunnel.session.lastInputAt = this.clock.now();
      return true;
    };
  }

  // ── guacamole-lite's events ────────────────────────────────────────────────────────────────────

  private async opened(connection: GuacamoleLiteConnectionHandle): Promise<void> {
    const ws = connection.webSocket;
    const tunnel = this.tunnels.get(ws);
    const connectionId = connection.guacamoleConnectionId;
    if (!tunnel || !connectionId) return;
    if (tunnel.kind === 'viewer') {
      const viewer = { ws, username: tunnel.grant.username, mode: tunnel.grant.mode, ...(tunnel.grant.viewerId !== undefined ? { viewerId: tunnel.grant.viewerId } : {}) };
      if (tunnel.remote) {
        // Detached on its holder meanwhile: not let in.
        if (viewer.viewerId !== undefined && this.liveHub.attachedElsewhere(tunnel.sessionId, viewer.viewerId) === false) return closeTunnel(ws, 'You stopped watching');
        this.live.addRemoteViewer(tunnel.sessionId, viewer);
        return;
      }
      const session = this.live.get(tunnel.sessionId);
      if (!session) return closeTunnel(ws, 'The session ended');
      session.viewers.add(viewer);
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
        { sessionId: grant.sessionId, liveStream: 'desktop' },
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
      // recordingFile: guacd's file so far is the live rewind (DVR, GET /api/sessions/{id}/recording).
      tunnel.feed = this.liveHub.open(
        {
          sessionId: session.id,
          owner: session.owner,
          user: grant.username,
          announceWatching: target.policy.announceWatching,
          recordingFile: tunnel.recording.absolute,
        },
        {
          kind: 'rdp',
          setUserInputPaused: (paused: boolean) => {
            live.userInputPaused = paused;
          },
          // guacamole-lite speaks protocol 1.1.0 (guacd sends no join notice itself): Vigil's own
          // `vigil-notice` instruction, in the user's tunnel only (rdp-notices.ts)
          notifyUser: (line, kind) => {
            // a viewer's message is said to the user whatever the announce policy (it is meant for them)
            if (target.policy.announceWatching || kind === 'message') sendNotice(ws, kind ?? 'watching', line);
          },
          terminate: (reason) => {
            live.endedByVigil ??= { reason: 'terminated' };
            if (target.policy.announceWatching) sendNotice(ws, 'ended', reason);
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
      if (tunnel.remote) return this.live.removeRemoteViewer(tunnel.sessionId, ws);
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

  private async seal(sessionId: string, recording: RecordingLocation): Promise<void> {
    try {
      const sealed = await this.recordings.sealDesktop(recording);
      if (sealed.relativePath === null) this.logger.warn(`guacd left no recording for RDP session ${sessionId}`);
      await this.recordings.link(sessionId, sealed);
    } catch (error) {
      this.logger.error(`sealing the recording of RDP session ${sessionId} failed: ${(error as Error).message}`);
    }
  }

  /**
   * Another process ended `sessionId` (pushed over the cluster link: a hint, so the registry is
   * read first): a session carried here closes as a terminate made here would (through the hub:
   * the notice to the user, the viewers told the reason); viewer tunnels here of a session
   * carried elsewhere close with the reason.
   */
  private async endedElsewhere(sessionId: string): Promise<void> {
    const carried = this.live.get(sessionId);
    if (!carried && this.live.remoteViewers(sessionId).length === 0) return;
    if ((await this.directory.stillOpen([sessionId])).has(sessionId)) return;
    const entry = await this.accessLog.findVisible(sessionId, null);
    const notice = entry ? endNotice(entry) : 'The session ended';
    if (!carried) {
      this.live.closeViewers(sessionId, notice);
      return;
    }
    carried.endedByVigil ??= { reason: entry?.endReason === 'terminated' ? 'terminated' : 'ended' };
    if (!this.liveHub.endOrigin(sessionId, notice, entry?.endReason ?? 'ended')) {
      this.live.closeViewers(sessionId, notice);
      closeTunnel(carried.userWs, notice);
    }
  }

  /** The holder pushed a new state: viewer tunnels here whose viewer it no longer lists close. */
  private closeDetachedRemoteViewers(sessionId: string): void {
    for (const viewer of this.live.remoteViewers(sessionId)) {
      if (viewer.viewerId !== undefined && this.liveHub.attachedElsewhere(sessionId, viewer.viewerId) === false) this.live.closeViewer(sessionId, viewer.viewerId);
    }
  }

  /** Viewer tunnels here of sessions no process carries any more (its gateway died) close. */
  private async closeOrphanedViewers(): Promise<void> {
    const sessionIds = this.live.remoteSessionIds();
    if (sessionIds.length === 0 || this.checkingHolders) return;
    this.checkingHolders = true;
    try {
      const { held, complete } = await this.liveHub.heldElsewhere(sessionIds);
      // A gateway that did not answer in time may be the holder: keep its viewers.
      if (!complete) return;
      for (const sessionId of sessionIds) {
        if (held.has(sessionId) || this.live.get(sessionId)) continue;
        this.logger.warn(`no gateway carries RDP session ${sessionId} any more: closing its viewers here`);
        this.live.closeViewers(sessionId, 'The gateway carrying this session is gone');
      }
    } finally {
      this.checkingHolders = false;
    }
  }

  /** Heartbeats every live session (this gateway is their agent) and disconnects idle users. */
  private async keepAlive(): Promise<void> {
    const now = this.clock.now();
    await this.closeEndedInRegistry();
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

  /**
   * The fallback of a lost `live:ended` push (or none: another process without Redis ended it):
   * sessions carried here that the registry no longer has open close with its reason.
   */
  private async closeEndedInRegistry(): Promise<void> {
    const carried = this.live.all();
    if (carried.length === 0) return;
    try {
      const open = await this.directory.stillOpen(carried.map((session) => session.sessionId));
      for (const session of carried) if (!open.has(session.sessionId)) await this.endedElsewhere(session.sessionId);
    } catch (error) {
      this.logger.warn(`checking RDP sessions against the registry failed: ${(error as Error).message}`);
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
