import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { GatewayProcess } from '../../test/support/gateway-process';
import { GuacamoleWsClient } from '../../test/support/guacamole-ws-client';
import { addDeskTargets, RdpServers, requestConnect, VNC_TARGET, type ConnectAnswer } from '../../test/support/rdp-stack';
import type { ScreenSize } from '../../test/support/rdp-screen';

const ADMIN_PASSWORD = 'bench-admin-password';
const ALICE_PASSWORD = 'alice-bench-password';

/**
 * What bench/rdp runs against, all on loopback: guacd and one Xvnc (the VNC target `desk-vnc`,
 * granted to alice, announceWatching off so no notice reaches the measured tunnel), and the
 * compiled gateway as its own OS process (SQLite, recording on as always) with GUACD_HOST/PORT.
 */
export interface RdpBenchEnv {
  servers: RdpServers;
  gateway: GatewayProcess;
  screen: ScreenSize;
  adminToken: string;
  aliceToken: string;
  /** alice's connect call (t0 of the user's timings is taken just before it) */
  connect(): Promise<ConnectAnswer>;
  /** a tunnel opened with a connect or join token, up to guacd's `ready` */
  open(answer: { tunnel: string; token: string }): Promise<GuacamoleWsClient>;
  /** a socket.io `/live` connection as the admin */
  live(): Promise<Socket>;
  close(): Promise<void>;
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function setUp(screen: ScreenSize): Promise<RdpBenchEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-rdp-'));
  const servers = await RdpServers.start({ screen, rdp: false });
  let gateway: GatewayProcess | undefined;
  try {
    gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', VIGIL_DEMO: '0', ...servers.gatewayEnv });
    const url = gateway.url;
    const adminToken = await login(url, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: ALICE_PASSWORD, roles: ['owner'], privileges: [] }),
    });
    if (created.status !== 201) throw new Error(`create alice: HTTP ${created.status} ${await created.text()}`);
    const aliceToken = await login(url, 'alice', ALICE_PASSWORD);
    await addDeskTargets(url, adminToken, servers, ['alice'], { policy: { announceWatching: false } });
    const sockets: Socket[] = [];
    const running = gateway;
    return {
      servers,
      gateway,
      screen,
      adminToken,
      aliceToken,
      connect: () => requestConnect(url, aliceToken, VNC_TARGET),
      open: ({ tunnel, token }) =>
        GuacamoleWsClient.connect(url, tunnel, token, { query: { width: String(screen.width), height: String(screen.height) } }),
      live: () =>
        new Promise((resolve, reject) => {
          const socket = io(`${url}/live`, { auth: { token: adminToken }, transports: ['websocket'], reconnection: false });
          socket.once('connect', () => {
            sockets.push(socket);
            resolve(socket);
          });
          socket.once('connect_error', (error) => {
            socket.close();
            reject(error);
          });
        }),
      close: async () => {
        for (const socket of sockets) socket.close();
        await running.kill('SIGTERM');
        await servers.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await gateway?.kill('SIGTERM');
    await servers.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
