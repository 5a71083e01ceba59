import { Injectable } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { TunnelTokenStore } from './tunnel-token-store';

/** Tunnel tokens live 30 s: the browser opens its tunnel right after asking. */
export const TUNNEL_TOKEN_TTL_MS = 30_000;

/** The gateway's one TunnelTokenStore (in memory: a token is used on the gateway that minted it). */
@Injectable()
export class RdpTokens extends TunnelTokenStore {
  constructor(clock: Clock) {
    super(clock, { ttlMs: TUNNEL_TOKEN_TTL_MS, maxOutstanding: 10_000 });
  }
}
