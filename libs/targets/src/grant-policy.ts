/** Who may connect to a target: users by id, and everyone holding one of the roles. */
export interface TargetGrants {
  userIds: readonly string[];
  roles: readonly string[];
}

export interface Grantee {
  id: string;
  roles: readonly string[];
}

/**
 * Nobody reaches a target without a grant: not an admin, not an auditor. A grant names the user
 * or one of their roles. No grants at all means nobody.
 */
export function mayConnect(grants: TargetGrants, user: Grantee): boolean {
  return grants.userIds.includes(user.id) || user.roles.some((role) => grants.roles.includes(role));
}
