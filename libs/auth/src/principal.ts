export const ROLES = ['admin', 'owner', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export const PRIVILEGES = ['shadow', 'interact', 'terminate'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export interface UserPrincipal {
  kind: 'user';
  id: string;
  username: string;
  roles: Role[];
  privileges: Privilege[];
}

export const AGENT_KINDS = ['agent', 'jump-server'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export interface AgentPrincipal {
  kind: 'agent';
  id: string;
  name: string;
  agentKind: AgentKind;
}

/** Admins and auditors see every session; owners see the sessions whose owner they are. */
export function seesAllSessions(user: UserPrincipal): boolean {
  return user.roles.includes('admin') || user.roles.includes('auditor');
}

/** Admins hold every privilege. */
export function hasPrivilege(user: UserPrincipal, privilege: Privilege): boolean {
  return user.roles.includes('admin') || user.privileges.includes(privilege);
}
