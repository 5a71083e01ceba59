import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '@vigil/auth';
import type { GuacamoleJoinMinter, GuacamoleRedemption } from '@vigil/shadowing';
import { SESSION_NOT_FOUND, shadowVerdict } from '@vigil/shadowing';
import { RdpSessions } from './rdp-sessions';
import type { RdpRedemption } from './rdp-token-redemption';
import { RdpTokens } from './rdp-tokens';
import type { ViewerMode } from './tunnel-token-store';
import { TUNNEL_PATH } from './tunnel-path';

/** A join was refused: `not-found` for a session the viewer may not see or this gateway does not carry. */
export class RdpJoinRefusedError extends Error {
  constructor(
    readonly refusal: 'not-found' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'RdpJoinRefusedError';
  }
}

export interface RdpJoinToken {
  tunnel: string;
  token: string;
  /** epoch ms */
  expiresAt: number;
}

/**
 * Join tokens for the shadowing layer: `select,$<connection id>` with `read-only=true` for view
 * and false for interact, minted only when the shadowing rule (shadowVerdict of @vigil/shadowing)
 * allows it, and checked again at the upgrade (the viewer may have lost the privilege meanwhile).
 */
@Injectable()
export class RdpJoinTokens implements GuacamoleJoinMinter {
  constructor(
    private readonly sessions: RdpSessions,
    private readonly tokens: RdpTokens,
  ) {}

  /**
   * With `viewerId` (the /live viewer, through GUACAMOLE_JOIN_MINTER) an interact tunnel forwards
   * input only while LiveHub.mayType allows it (the control lock); without, guacd's read-only
   * flag alone decides.
   */
  mint(request: { sessionId: string; viewer: UserPrincipal; mode: ViewerMode; viewerId?: string }): RdpJoinToken {
    const live = this.sessions.get(request.sessionId);
    if (!live) throw new RdpJoinRefusedError('not-found', SESSION_NOT_FOUND);
    const verdict = shadowVerdict(request.viewer, live.owner, request.mode);
    if (!verdict.ok) throw new RdpJoinRefusedError(verdict.error === SESSION_NOT_FOUND ? 'not-found' : 'forbidden', verdict.error);
    const { token, expiresAt } = this.tokens.mint({
      kind: 'join',
      userId: request.viewer.id,
      username: request.viewer.username,
      sessionId: live.sessionId,
      mode: request.mode,
      ...(request.viewerId !== undefined ? { viewerId: request.viewerId } : {}),
    });
    return { tunnel: TUNNEL_PATH, token, expiresAt };
  }

  viewerLeft(sessionId: string, viewerId: string): void {
    this.sessions.closeViewer(sessionId, viewerId);
  }

  sessionClosed(sessionId: string): void {
    this.sessions.closeViewers(sessionId);
  }

  /**
   * Another gateway's tunnel was shown a token: consumed here if this gateway minted it (this
   * process alone holds it, so it is single-use across the cluster), answered with the grant and,
   * for a join of a session carried here, guacd's connection id to join.
   */
  redeem(tokenHash: string): GuacamoleRedemption | null {
    const consumed = this.tokens.consumeHash(tokenHash);
    if (!('grant' in consumed)) return null; // malformed, or not minted here
    const { grant } = consumed;
    const live = grant.kind === 'join' ? this.sessions.get(grant.sessionId) : undefined;
    const redemption: RdpRedemption = { consumed, ...(live ? { join: { connectionId: live.connectionId, owner: live.owner } } : {}) };
    return { sessionId: grant.kind === 'join' ? grant.sessionId : null, grant: redemption };
  }
}
