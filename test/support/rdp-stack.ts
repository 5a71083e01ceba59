import type { DatabaseKind } from './databases';
import { Guacd } from './guacd';
import { GuacamoleWsClient, type TunnelOptions } from './guacamole-ws-client';
import type { ScreenSize } from './rdp-screen';
import { createUser, startTestGateway, type TestGateway } from './test-gateway';
import { VncServer } from './vnc-server';
import { XrdpServer } from './xrdp';

/**
 * The RDP/VNC stack of the specs and of bench/rdp, all real and on loopback:
 *
 * - {@link RdpServers}: guacd, one Xvnc as the VNC target and (unless `rdp: false`) xrdp on a second
 *   Xvnc as the RDP target; each stopped by its PID (process group) in `stop()`.
 * - {@link addDeskTargets} / {@link requestConnect}: the public HTTP calls (plain `fetch`, so they
 *   work against an in-process gateway and a gateway process alike): the targets `desk-vnc` and
 *   `desk-rdp` with a grant, and `POST /api/targets/{name}/connect`.
 * - {@link RdpStack}: for jest specs: the servers, an in-process gateway with `GUACD_HOST/PORT`,
 *   users, the two targets, and tunnels tracked for `stop()`.
 *
 * ```ts
 * const stack = await RdpStack.start(kind, { users: { alice: { roles: ['owner'] } } });
 * const { client, answer } = await stack.connect(stack.tokens.alice, VNC_TARGET); // tunnel `ready`
 * ...
 * await stack.stop();
 * ```
 */

export const VNC_TARGET = 'desk-vnc';
export const RDP_TARGET = 'desk-rdp';
export const DEFAULT_SCREEN: ScreenSize = { width: 1024, height: 768 };

export interface RdpServersOptions {
  /** Xvnc geometry of both screens (default 1024x768, depth 24) */
  screen?: ScreenSize;
  /** start xrdp and its Xvnc too (default true) */
  rdp?: boolean;
}

export class RdpServers {
  private constructor(
    readonly guacd: Guacd,
    /** the VNC target's X server */
    readonly vnc: VncServer,
    private readonly rdpX: { screen: VncServer; xrdp: XrdpServer } | null,
    readonly screen: ScreenSize,
  ) {}

  static async start(options: RdpServersOptions = {}): Promise<RdpServers> {
    const screen = options.screen ?? DEFAULT_SCREEN;
    const rdp = options.rdp ?? true;
    const started = await Promise.allSettled([Guacd.start(), VncServer.start(screen), ...(rdp ? [VncServer.start(screen)] : [])]);
    const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(up.map((server) => server.stop()));
      throw failed.reason;
    }
    const [guacd, vnc, rdpScreen] = up as [Guacd, VncServer, VncServer | undefined];
    let xrdp: XrdpServer | undefined;
    try {
      if (rdpScreen) xrdp = await XrdpServer.start(rdpScreen.port);
    } catch (error) {
      await Promise.all(up.map((server) => server.stop()));
      throw error;
    }
    return new RdpServers(guacd, vnc, rdpScreen && xrdp ? { screen: rdpScreen, xrdp } : null, screen);
  }

  /** The X server behind xrdp (the RDP target's screen). */
  get rdpScreen(): VncServer {
    return this.rdp().screen;
  }

  get xrdp(): XrdpServer {
    return this.rdp().xrdp;
  }

  /** What the gateway needs to reach guacd. */
  get gatewayEnv(): { GUACD_HOST: string; GUACD_PORT: string } {
    return { GUACD_HOST: this.guacd.host, GUACD_PORT: String(this.guacd.port) };
  }

  /** The `POST /api/targets` bodies of `desk-vnc` and (with xrdp) `desk-rdp`, granted to `users`, plus `extra` (e.g. a policy). */
  targetBodies(users: string[], extra: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    const grants = { users };
    const bodies: Array<Record<string, unknown>> = [{ name: VNC_TARGET, protocol: 'vnc', host: '127.0.0.1', port: this.vnc.port, accountName: 'na', grants, ...extra }];
    if (this.rdpX) {
      const rdp = this.rdpX.xrdp.connectArgs;
      bodies.push({ name: RDP_TARGET, protocol: 'rdp', host: '127.0.0.1', port: Number(rdp.port), accountName: rdp.username, password: rdp.password, security: 'any', ignoreCert: true, grants, ...extra });
    }
    return bodies;
  }

  /** The tail of guacd's log, for failure messages. */
  logs(maxChars = 4_000): string {
    return this.guacd.logs().slice(-maxChars);
  }

  async stop(): Promise<void> {
    await Promise.all([this.guacd.stop(), this.rdpX?.xrdp.stop(), this.vnc.stop(), this.rdpX?.screen.stop()]);
  }

  private rdp(): { screen: VncServer; xrdp: XrdpServer } {
    if (!this.rdpX) throw new Error('RdpServers started with rdp: false');
    return this.rdpX;
  }
}

async function postJson(url: string, bearer: string, body: unknown, want: number): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== want) throw new Error(`POST ${url}: HTTP ${res.status} (expected ${want}) ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Creates `desk-vnc` (and `desk-rdp`) on the gateway at `baseUrl`, granted to `users` (who must exist). */
export async function addDeskTargets(baseUrl: string, adminToken: string, servers: RdpServers, users: string[], extra: Record<string, unknown> = {}): Promise<void> {
  for (const body of servers.targetBodies(users, extra)) await postJson(`${baseUrl}/api/targets`, adminToken, body, 201);
}

/** The answer of `POST /api/targets/{name}/connect` (docs/API.md). */
export interface ConnectAnswer {
  tunnel: string;
  token: string;
  expiresAt: number;
  sessionId: string;
}

/** The user's connect call; throws unless it answers 200. */
export function requestConnect(baseUrl: string, bearer: string, target: string): Promise<ConnectAnswer> {
  return postJson(`${baseUrl}/api/targets/${encodeURIComponent(target)}/connect`, bearer, {}, 200);
}

export interface RdpStackOptions extends RdpServersOptions {
  /** extra gateway configuration (beside GUACD_HOST/PORT) */
  env?: Record<string, string>;
  /** users created before the targets; their tokens land in `tokens` */
  users?: Record<string, { roles: string[]; privileges?: string[] }>;
  /** who the targets are granted to (default: alice) */
  grantTo?: string[];
}

/** The whole stack for a jest suite: servers, an in-process gateway, users, targets, tracked tunnels. */
export class RdpStack {
  /** bearer tokens by username, `admin` included */
  readonly tokens: Record<string, string> = {};
  /** every tunnel opened through this stack, terminated at `stop()` */
  readonly clients: GuacamoleWsClient[] = [];

  private constructor(
    readonly servers: RdpServers,
    readonly gw: TestGateway,
  ) {
    this.tokens.admin = gw.adminToken;
  }

  static async start(kind: DatabaseKind, options: RdpStackOptions = {}): Promise<RdpStack> {
    const servers = await RdpServers.start(options);
    let gw: TestGateway | undefined;
    try {
      gw = await startTestGateway(kind, { ...servers.gatewayEnv, ...options.env });
      const stack = new RdpStack(servers, gw);
      for (const [name, user] of Object.entries(options.users ?? {})) stack.tokens[name] = await createUser(gw, name, user.roles, user.privileges ?? []);
      await addDeskTargets(gw.url, gw.adminToken, servers, options.grantTo ?? ['alice']);
      return stack;
    } catch (error) {
      await gw?.close();
      await servers.stop();
      throw error;
    }
  }

  /** Opens a tunnel with a connect or join token and waits for guacd's `ready`; tracked for `stop()`. */
  async open(tunnel: string, token: string, options?: TunnelOptions): Promise<GuacamoleWsClient> {
    const client = await GuacamoleWsClient.connect(this.gw.url, tunnel, token, options);
    this.clients.push(client);
    return client;
  }

  /** The user's side: the connect call, then its tunnel up to `ready`. */
  async connect(bearer: string, target: string, options?: TunnelOptions): Promise<{ client: GuacamoleWsClient; answer: ConnectAnswer }> {
    const answer = await requestConnect(this.gw.url, bearer, target);
    return { client: await this.open(answer.tunnel, answer.token, options), answer };
  }

  /** Runs a test body; a failure carries the tail of guacd's log. */
  async withLogs(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- guacd ---\n${this.servers.logs()}`;
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.terminate();
    await this.gw.close();
    await this.servers.stop();
  }
}
