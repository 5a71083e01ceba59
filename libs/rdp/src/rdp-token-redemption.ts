import type { ConsumeResult, TunnelGrant } from './tunnel-token-store';

/** What a tunnel needs to join a live session held by another gateway: guacd's connection and whose session it is. */
export interface RemoteJoinTarget {
  /** guacd's connection id (`$uuid`): every gateway talks to the same guacd (one GUACD_HOST) */
  connectionId: string;
  owner: string;
}

/**
 * The minter's answer to a gateway whose tunnel was shown one of its tokens (over the cluster
 * link, as GuacamoleRedemption.grant): the consume result (so an expired or replayed token is
 * refused and audited where it was shown, as on one gateway), and for a join of a session still
 * live on the minter, what to join.
 */
export interface RdpRedemption {
  consumed: Exclude<ConsumeResult, { refusal: 'malformed' | 'unknown' }>;
  join?: RemoteJoinTarget;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 1024;

function isGrant(value: unknown): value is TunnelGrant {
  const grant = value as Record<string, unknown> | null;
  if (!grant || typeof grant !== 'object' || !isString(grant.userId) || !isString(grant.username) || !isString(grant.sessionId)) return false;
  if (grant.kind === 'connect') return isString(grant.targetName);
  return grant.kind === 'join' && (grant.mode === 'view' || grant.mode === 'interact') && (grant.viewerId === undefined || isString(grant.viewerId));
}

/** The redemption as it came over the link, checked field by field (null: not one). */
export function readRedemption(value: unknown): RdpRedemption | null {
  const redemption = value as { consumed?: Record<string, unknown>; join?: Record<string, unknown> } | null;
  const consumed = redemption?.consumed;
  if (!consumed || typeof consumed !== 'object' || !isGrant(consumed.grant)) return null;
  const ok = consumed.ok === true || (consumed.ok === false && (consumed.refusal === 'expired' || consumed.refusal === 'replayed'));
  if (!ok) return null;
  const join = redemption.join;
  if (join !== undefined && !(join && isString(join.connectionId) && join.connectionId.startsWith('$') && isString(join.owner))) return null;
  return {
    consumed: consumed.ok === true ? { ok: true, grant: consumed.grant } : { ok: false, refusal: consumed.refusal as 'expired' | 'replayed', grant: consumed.grant },
    ...(join ? { join: { connectionId: join.connectionId as string, owner: join.owner as string } } : {}),
  };
}
