import { request, requestJson } from './client';

/** Roles and privileges as the gateway names them (libs/auth/src/principal.ts). */
export const ROLES = ['admin', 'owner', 'auditor'] as const;
export const PRIVILEGES = ['shadow', 'interact', 'terminate'] as const;
export type Role = (typeof ROLES)[number];
export type Privilege = (typeof PRIVILEGES)[number];

/** `GET /api/users` rows: never a password hash. */
export interface AdminUser {
  id: string;
  username: string;
  roles: Role[];
  privileges: Privilege[];
  disabled: boolean;
}

export interface UserChanges {
  roles?: Role[];
  privileges?: Privilege[];
  disabled?: boolean;
  password?: string;
}

/** `GET /api/agents` rows: never a token. */
export interface AdminAgent {
  id: string;
  name: string;
  kind: 'agent' | 'jump-server';
  createdAt: string;
  revokedAt: string | null;
}

/** The answer of create and rotate: the token is shown this once. */
export interface IssuedAgentToken {
  id: string;
  token: string;
}

const path = (...parts: string[]) => `/api/${parts.map(encodeURIComponent).join('/')}`;

/** The administration calls (admins only; the gateway checks, the console only hides). */
export const adminApi = {
  users: (token: string) => requestJson<AdminUser[]>('/api/users', { token }),
  createUser: (token: string, user: { username: string; password: string; roles: Role[]; privileges: Privilege[] }) =>
    requestJson<AdminUser>('/api/users', { method: 'POST', token, body: user }),
  updateUser: (token: string, username: string, changes: UserChanges) =>
    requestJson<AdminUser>(path('users', username), { method: 'PATCH', token, body: changes }),
  deleteUser: (token: string, username: string) => request(path('users', username), { method: 'DELETE', token }).then(() => undefined),

  agents: (token: string) => requestJson<AdminAgent[]>('/api/agents', { token }),
  createAgent: (token: string, agent: { name: string; kind: AdminAgent['kind'] }) =>
    requestJson<IssuedAgentToken>('/api/agents', { method: 'POST', token, body: agent }),
  rotateAgent: (token: string, id: string) => requestJson<IssuedAgentToken>(path('agents', id, 'rotate'), { method: 'POST', token }),
  revokeAgent: (token: string, id: string) => request(path('agents', id), { method: 'DELETE', token }).then(() => undefined),
};

export type TargetProtocol = 'ssh' | 'rdp' | 'vnc';

/** `GET /api/targets` rows: credentials are never returned, only how the target authenticates. */
export interface AdminTarget {
  id: string;
  name: string;
  host: string;
  port: number;
  accountName: string;
  owner: string | null;
  protocol: TargetProtocol;
  security: string | null;
  ignoreCert: boolean;
  domain: string | null;
  authentication: 'password' | 'privateKey' | 'none';
  hostKeySha256: string | null;
}

export interface TargetGrants {
  users: string[];
  roles: string[];
}

export interface TargetFields {
  name?: string;
  protocol?: TargetProtocol;
  host?: string;
  port?: number;
  accountName?: string;
  owner?: string;
  password?: string;
  privateKey?: string;
  grants?: TargetGrants;
}

/** `POST /api/targets/{name}/test`: reached without logging in. */
export interface TargetProbe {
  reachable: boolean;
  latencyMs: number | null;
  hostKeySha256: string | null;
  matchesPin: boolean | null;
  error: string | null;
}

export const targetsApi = {
  list: (token: string) => requestJson<AdminTarget[]>('/api/targets', { token }),
  create: (token: string, fields: TargetFields) => requestJson<AdminTarget>('/api/targets', { method: 'POST', token, body: fields }),
  update: (token: string, name: string, fields: TargetFields) => requestJson<AdminTarget>(path('targets', name), { method: 'PATCH', token, body: fields }),
  remove: (token: string, name: string) => request(path('targets', name), { method: 'DELETE', token }).then(() => undefined),
  grants: (token: string, name: string) => requestJson<TargetGrants>(path('targets', name, 'grants'), { token }),
  setGrants: (token: string, name: string, grants: TargetGrants) => requestJson<TargetGrants>(path('targets', name, 'grants'), { method: 'PUT', token, body: grants }),
  test: (token: string, name: string) => requestJson<TargetProbe>(path('targets', name, 'test'), { method: 'POST', token }),
  repin: (token: string, name: string, hostKeySha256?: string) =>
    requestJson<AdminTarget>(path('targets', name, 'repin'), { method: 'POST', token, body: hostKeySha256 ? { hostKeySha256 } : {} }),
};
