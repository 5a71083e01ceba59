import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '@vigil/config';
import { startGateway } from '../../apps/gateway/src/create-gateway';
import { DatabaseKind, TestDatabase, createTestDatabase } from './databases';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface TestGateway {
  app: INestApplication;
  url: string;
  jumpPort: number;
  db: TestDatabase;
  http: ReturnType<typeof request>;
  adminToken: string;
  close(): Promise<void>;
}

/** Boots the real gateway in-process on port 0 against a fresh database of the given kind. */
export async function startTestGateway(kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestGateway> {
  return startTestGatewayOn(await createTestDatabase(kind), env, true);
}

/**
 * Boots a gateway on an existing database (e.g. a second gateway of the same cluster); `close`
 * drops the database only when `ownsDatabase`.
 */
export async function startTestGatewayOn(db: TestDatabase, env: Record<string, string> = {}, ownsDatabase = false): Promise<TestGateway> {
  const config = loadConfig({
    PORT: '0',
    JUMP_SSH_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    VIGIL_ADMIN_USER: ADMIN.username,
    VIGIL_ADMIN_PASSWORD: ADMIN.password,
    ...db.env,
    ...env,
  });
  const gateway = await startGateway(config);
  const http = request(gateway.url);
  const adminToken = await login(http, ADMIN.username, ADMIN.password);
  return {
    app: gateway.app,
    url: gateway.url,
    jumpPort: gateway.jumpPort,
    db,
    http,
    adminToken,
    close: async () => {
      await gateway.app.close();
      if (ownsDatabase) await db.drop();
    },
  };
}

export async function login(http: ReturnType<typeof request>, username: string, password: string): Promise<string> {
  const res = await http.post('/api/auth/login').send({ username, password }).expect(200);
  return res.body.accessToken as string;
}

/** Creates a user with the given roles/privileges and returns a logged-in token. */
export async function createUser(
  gw: TestGateway,
  username: string,
  roles: string[] = ['owner'],
  privileges: string[] = [],
): Promise<string> {
  const password = `${username}-password`;
  await gw.http.post('/api/users').auth(gw.adminToken, { type: 'bearer' }).send({ username, password, roles, privileges }).expect(201);
  return login(gw.http, username, password);
}

export async function createAgent(gw: TestGateway, name = 'agent-1'): Promise<string> {
  const res = await gw.http.post('/api/agents').auth(gw.adminToken, { type: 'bearer' }).send({ name, kind: 'agent' }).expect(201);
  return res.body.token as string;
}

export function sessionPayload(overrides: Record<string, unknown> = {}) {
  return {
    externalId: `ext-${Math.random().toString(36).slice(2)}`,
    type: 'PAM_SSH',
    user: 'jdoe',
    device: '10.0.0.12',
    client: 'srv-db-01',
    port: 22,
    serviceUrl: 'ssh://srv-db-01:22',
    accountName: 'root',
    serviceProvider: 'corp-idp',
    owner: 'alice',
    ...overrides,
  };
}

/** A connected socket.io client, or the connect error. */
export function connectSocket(url: string, namespace: string, token: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${namespace}`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next `event` payload that satisfies `match`. */
export function nextEvent<T>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
