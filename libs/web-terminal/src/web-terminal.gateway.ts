import { Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ConnectedSocket, MessageBody, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AuthEvents, AuthService, PrincipalRevokedEvent, SOCKET_UNAUTHORIZED, SocketAuth, UserPrincipal, socketAuditContext } from '@vigil/auth';
import { TokenBucket } from '@vigil/common';
import { transportBacklog } from '@vigil/shadowing';
import { type LiveSshSession, RequestRateGuard, ResizeCoalescer, clampTerminalSize, systemJumpClock } from '@vigil/ssh-jump';
import { endedReason } from './ended-reason';
import type { SocketDownstream } from './socket-downstream';
import { parseInput, parseOpen, parseResize } from './terminal-payloads';
import { WebTerminalService } from './web-terminal.service';

export type OpenAck = { ok: true; sessionId: string } | { ok: false; error: string };
export type ActionAck = { ok: true } | { ok: false; error: string };

export interface TerminalServerEvents {
  output: (data: Buffer) => void;
  ended: (payload: { reason: string; endReason: string }) => void;
  revoked: (payload: { reason: string; error: string }) => void;
}
type TerminalSocket = Socket<Record<string, never>, TerminalServerEvents, Record<string, never>, { user: UserPrincipal }>;
type TerminalNamespace = Namespace<Record<string, never>, TerminalServerEvents>;

/**
 * Keystrokes one browser terminal may send: a burst of 200 events, then 100 per second (a person
 * types ~10; the console sends a paste in 8 KiB pieces). A socket that keeps going past that is
 * flooding and loses its session.
 */
const INPUT_RATE = { burst: 200, perSecond: 100, abuseBurst: 2_000, abusePerSecond: 100 };
/** `open` and `resize`: an open costs a target login; a window drag sends a few resizes a second. */
const OPEN_RATE = { capacity: 10, refillPerSecond: 0.5 };
const RESIZE_RATE = { capacity: 10, refillPerSecond: 5 };
const NOT_OPEN = { ok: false as const, error: 'no terminal is open on this socket' };
const RATE_LIMITED = { ok: false as const, error: 'too many requests: slow down' };

interface Terminal {
  session?: LiveSshSession;
  downstream?: SocketDownstream;
  /** an open is dialling the target: the socket is claimed */
  opening: boolean;
  resizer?: ResizeCoalescer;
  input: RequestRateGuard;
  opens: TokenBucket;
  resizes: TokenBucket;
  floodLogged: boolean;
  /** flooded past the abuse budget: the session is being closed */
  cut: boolean;
}

/**
 * socket.io `/terminal`: an SSH target in the browser (xterm.js) for the signed-in user. The
 * handshake carries the user's access token (as `/live`); `open` and `resize` check it again, and
 * a revocation or the token's expiry closes the socket, which ends its session as the user's
 * hang-up. One terminal per socket at a time; the relay, recording, registry and shadowing are the
 * jump's (WebTerminalService).
 */
@WebSocketGateway({ namespace: '/terminal' })
export class WebTerminalGateway implements OnGatewayInit, OnGatewayDisconnect {
  private readonly logger = new Logger(WebTerminalGateway.name);
  @WebSocketServer() private readonly server: TerminalNamespace;
  private readonly socketAuth: SocketAuth;
  private readonly terminals = new Map<string, Terminal>();

  constructor(
    auth: AuthService,
    private readonly service: WebTerminalService,
  ) {
    this.socketAuth = new SocketAuth(auth, this.logger);
  }

  afterInit(namespace: TerminalNamespace): void {
    this.socketAuth.protect(namespace);
  }

  @OnEvent(AuthEvents.principalRevoked)
  onPrincipalRevoked(event: PrincipalRevokedEvent): void {
    this.socketAuth.revoke(this.server, event);
  }

  @SubscribeMessage('open')
  async open(@ConnectedSocket() socket: TerminalSocket, @MessageBody() payload: unknown): Promise<OpenAck> {
    // Parsed first (cheap, no I/O): only a well-formed open spends the budget of target logins.
    const parsed = parseOpen(payload);
    if (!parsed.ok) return parsed;
    const terminal = this.terminalOf(socket);
    if (!terminal.opens.take(systemJumpClock.now()).ok) return RATE_LIMITED;
    const user = await this.socketAuth.recheck(socket);
    if (!user) return SOCKET_UNAUTHORIZED;
    if (terminal.opening || (terminal.session && !terminal.session.ended)) return { ok: false, error: 'a terminal is already open on this socket' };
    terminal.opening = true;
    let opened: LiveSshSession | undefined;
    const result = await this.service.open({
      user,
      target: parsed.value.target,
      cols: parsed.value.cols,
      rows: parsed.value.rows,
      clientIp: socket.handshake.address,
      clientPort: socket.request.socket.remotePort ?? 0,
      audit: socketAuditContext(socket),
      sink: {
        output: (chunk) => void socket.emit('output', chunk),
        backlog: () => transportBacklog(socket as never),
        // after the last output: the relay has closed the user's side
        finished: () => {
          const end = opened?.result;
          socket.emit('ended', { reason: endedReason(end), endReason: end?.reason ?? 'ended' });
        },
      },
    }).catch((error: unknown) => {
      this.logger.error(`web terminal open failed: ${(error as Error).message}`);
      return { ok: false as const, error: 'the terminal could not be opened; try again later' };
    }).finally(() => {
      terminal.opening = false;
    });
    if (!result.ok) return result;
    const { session, downstream } = result;
    opened = session;
    if (!socket.connected) {
      // the browser left while the target was dialled: its hang-up ends the session
      downstream.hangUp();
      return { ok: false, error: 'disconnected' };
    }
    terminal.session = session;
    terminal.downstream = downstream;
    terminal.resizer?.dispose();
    terminal.resizer = new ResizeCoalescer({
      clock: systemJumpClock,
      apply: (size) => {
        if (!session.ended) session.resize(size.cols, size.rows, size.height, size.width);
      },
    });
    session.onEnd(() => terminal.resizer?.dispose());
    return { ok: true, sessionId: session.id };
  }

  @SubscribeMessage('input')
  input(@ConnectedSocket() socket: TerminalSocket, @MessageBody() payload: unknown): ActionAck {
    const terminal = this.terminals.get(socket.id);
    if (!terminal) return NOT_OPEN;
    // Rate first: a flood is refused before anything is parsed or copied.
    const verdict = terminal.input.admit();
    if (verdict === 'disconnect') {
      // once: what is still queued from the flood only finds the terminal closing
      if (!terminal.cut) {
        terminal.cut = true;
        this.logger.warn(`${socket.data.user?.username ?? 'a user'}: input flood on a web terminal; closing it`);
        terminal.session?.terminate('the browser sent input faster than anyone types');
        // at once: the rest of the flood, already on the wire, is discarded with the connection
        socket.disconnect(true);
      }
      return RATE_LIMITED;
    }
    if (verdict === 'refuse') {
      if (!terminal.floodLogged) this.logger.warn(`${socket.data.user?.username ?? 'a user'}: too much web terminal input, dropping some`);
      terminal.floodLogged = true;
      return RATE_LIMITED;
    }
    const parsed = parseInput(payload);
    if (!parsed.ok) return parsed;
    if (!terminal.downstream || terminal.session?.ended !== false) return NOT_OPEN;
    return terminal.downstream.type(parsed.value) ? { ok: true } : { ok: false, error: 'input dropped: the target is not reading' };
  }

  @SubscribeMessage('resize')
  async resize(@ConnectedSocket() socket: TerminalSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const terminal = this.terminals.get(socket.id);
    if (!terminal?.resizer || terminal.session?.ended !== false) return NOT_OPEN;
    if (!terminal.resizes.take(systemJumpClock.now()).ok) return RATE_LIMITED;
    const parsed = parseResize(payload);
    if (!parsed.ok) return parsed;
    if (!(await this.socketAuth.recheck(socket))) return SOCKET_UNAUTHORIZED;
    const size = clampTerminalSize({ ...parsed.value, width: 0, height: 0 });
    if (size) terminal.resizer.offer(size);
    return { ok: true };
  }

  handleDisconnect(socket: TerminalSocket): void {
    const terminal = this.terminals.get(socket.id);
    this.terminals.delete(socket.id);
    terminal?.resizer?.dispose();
    // a terminal still dialling its target: open() sees the socket gone and hangs up itself
    terminal?.downstream?.hangUp();
  }

  private terminalOf(socket: TerminalSocket): Terminal {
    let terminal = this.terminals.get(socket.id);
    if (!terminal) {
      const now = systemJumpClock.now();
      terminal = {
        input: new RequestRateGuard(INPUT_RATE, systemJumpClock),
        opens: new TokenBucket(OPEN_RATE, now),
        resizes: new TokenBucket(RESIZE_RATE, now),
        floodLogged: false,
        cut: false,
        opening: false,
      };
      this.terminals.set(socket.id, terminal);
    }
    return terminal;
  }
}
