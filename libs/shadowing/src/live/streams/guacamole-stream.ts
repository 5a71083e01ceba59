import type { UserPrincipal } from '@vigil/auth';
import type { ViewerMode } from '../../control-lock';
import type { ViewerInfo } from '../live-events';
import type { LiveStream, StreamStart } from './live-stream';

/** A viewer's way in: the tunnel's path on the gateway and its single-use token. */
export interface GuacamoleJoin {
  tunnel: string;
  token: string;
}

/**
 * Mints the join token of a viewer for an RDP/VNC session: `read-only` for `view`, bound to the
 * viewer and the session, single-use and short-lived. libs/rdp implements it (RdpJoinTokens) and
 * provides it under GUACAMOLE_JOIN_MINTER, so this library never imports libs/rdp.
 */
export interface GuacamoleJoinMinter {
  /**
   * `viewer` is the principal the holder authenticated (checked again at the upgrade); the token
   * should carry `viewerId`, so that the tunnel forwards input only while LiveHub.mayType says so.
   * Throws to refuse (the error's message is the viewer's ack error).
   */
  mint(request: { sessionId: string; viewer: UserPrincipal; viewerId: string; mode: ViewerMode }): GuacamoleJoin | Promise<GuacamoleJoin>;
  /** the viewer left (detach, disconnect, revocation, its gateway vanished): close its tunnel */
  viewerLeft?(sessionId: string, viewerId: string): void;
  /** the session ended: close every viewer's tunnel (guacd keeps a connection alive while any member remains) */
  sessionClosed?(sessionId: string): void;
  /**
   * With several gateways (REDIS_URL): a tunnel on another gateway was shown a token it did not
   * mint; the gateway asks the cluster, and the one that minted it consumes it here (single-use
   * holds: this process alone keeps it) and answers what the tunnel needs. Null: not minted here.
   * `tokenHash` is the token's SHA-256 (base64url): the token itself never crosses the link.
   */
  redeem?(tokenHash: string): GuacamoleRedemption | null;
}

/**
 * A token redeemed for another gateway. `grant` is the minter's own (this library only carries
 * it); `sessionId` names the live session it joins, whose control state travels with the answer.
 */
export interface GuacamoleRedemption {
  sessionId: string | null;
  grant: unknown;
}

/** Nest provider token of the GuacamoleJoinMinter (optional: without it RDP sessions cannot be watched). */
export const GUACAMOLE_JOIN_MINTER = Symbol('GUACAMOLE_JOIN_MINTER');

/**
 * The Guacamole adapter: guacd itself fans the screen out (every viewer joins the user's guacd
 * connection, and guacd re-sends the current screen on join), so attaching is minting a token.
 * Input is forwarded by the tunnel, which asks the hub who holds control (LiveHub.mayType).
 */
export class GuacamoleStream implements LiveStream {
  readonly kind = 'rdp';

  constructor(
    private readonly sessionId: string,
    private readonly minter: GuacamoleJoinMinter | null,
  ) {}

  async attach(viewer: ViewerInfo, principal: UserPrincipal): Promise<StreamStart> {
    if (!this.minter) throw new Error('watching RDP/VNC sessions is not available on this gateway');
    const { tunnel, token } = await this.minter.mint({ sessionId: this.sessionId, viewer: principal, viewerId: viewer.viewerId, mode: viewer.mode });
    // only these two reach the viewer, whatever else the minter returns
    return { kind: 'rdp', tunnel, token };
  }

  /** Closing a viewer's tunnel is the tunnel's (libs/rdp) job: the minter is told. */
  detach(viewerId: string): void {
    this.minter?.viewerLeft?.(this.sessionId, viewerId);
  }

  /** guacd re-sends the screen to a member itself: nothing to resynchronise here. */
  poll(): void {}

  close(): void {
    this.minter?.sessionClosed?.(this.sessionId);
  }
}
