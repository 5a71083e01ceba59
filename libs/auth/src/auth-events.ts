/**
 * Domain events of the auth lib, for whoever holds something a principal opened (sockets, live
 * sessions): when a principal loses its access, they close what it holds at once instead of
 * waiting for the token's expiry.
 */
export const AuthEvents = {
  /** a user's token (or every token of the user) no longer authenticates */
  principalRevoked: 'auth.principal-revoked',
} as const;

export type PrincipalRevokedReason = 'logout' | 'disabled' | 'deleted' | 'password-changed' | 'roles-changed';

export interface PrincipalRevokedEvent {
  userId: string;
  username: string;
  /** set: only what this token opened (logout); absent: everything of the user */
  tokenHash?: string;
  reason: PrincipalRevokedReason;
}
