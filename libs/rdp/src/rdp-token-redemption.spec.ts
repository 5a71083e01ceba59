import type { UserPrincipal } from '@vigil/auth';
import type { Clock } from '@vigil/common';
import type { WebSocket } from 'ws';
import { RdpJoinTokens } from './rdp-join-tokens';
import { RdpSessions } from './rdp-sessions';
import { readRedemption } from './rdp-token-redemption';
import { RdpTokens } from './rdp-tokens';
import { tunnelTokenHash } from './tunnel-token-store';

class ManualClock implements Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

const admin: UserPrincipal = { kind: 'user', id: 'u-admin', username: 'admin', roles: ['admin'], privileges: [] };
const SESSION = '0193a1b2-c3d4-7000-8000-000000000001';

/** The minter's side of a join shown to another gateway (the cluster link carries the token's hash). */
describe('redeeming a join token minted on another gateway', () => {
  const setup = () => {
    const clock = new ManualClock();
    const sessions = new RdpSessions();
    sessions.add({ sessionId: SESSION, connectionId: '$4f8b2c1e-0000-4000-8000-00000000abcd', owner: 'alice', username: 'alice', targetName: 'desk', userWs: {} as WebSocket, viewers: new Set(), lastInputAt: 0 });
    const tokens = new RdpTokens(clock);
    return { clock, sessions, minter: new RdpJoinTokens(sessions, tokens), tokens };
  };

  it('consumes once and answers the grant with guacd\'s connection id and the owner; a replay says replayed, whose it was', () => {
    const { minter } = setup();
    const { token } = minter.mint({ sessionId: SESSION, viewer: admin, mode: 'interact', viewerId: 'sock-b' });
    const first = minter.redeem(tunnelTokenHash(token));
    expect(first?.sessionId).toBe(SESSION);
    const read = readRedemption(JSON.parse(JSON.stringify(first?.grant)));
    expect(read).toEqual({
      consumed: { ok: true, grant: { kind: 'join', userId: 'u-admin', username: 'admin', sessionId: SESSION, mode: 'interact', viewerId: 'sock-b' } },
      join: { connectionId: '$4f8b2c1e-0000-4000-8000-00000000abcd', owner: 'alice' },
    });
    expect(readRedemption(minter.redeem(tunnelTokenHash(token))?.grant)?.consumed).toMatchObject({ ok: false, refusal: 'replayed', grant: { username: 'admin' } });
  });

  it('a token consumed on its own gateway cannot be redeemed elsewhere (and the reverse): single-use across the cluster', () => {
    const { minter, tokens } = setup();
    const a = minter.mint({ sessionId: SESSION, viewer: admin, mode: 'view', viewerId: 'x' });
    expect(tokens.consume(a.token).ok).toBe(true);
    expect(readRedemption(minter.redeem(tunnelTokenHash(a.token))?.grant)?.consumed).toMatchObject({ ok: false, refusal: 'replayed' });
    const b = minter.mint({ sessionId: SESSION, viewer: admin, mode: 'view', viewerId: 'y' });
    expect(readRedemption(minter.redeem(tunnelTokenHash(b.token))?.grant)?.consumed.ok).toBe(true);
    expect(tokens.consume(b.token)).toMatchObject({ ok: false, refusal: 'replayed' });
  });

  it('an expired token says expired; a session gone meanwhile answers no join target', () => {
    const { minter, clock, sessions } = setup();
    const { token } = minter.mint({ sessionId: SESSION, viewer: admin, mode: 'view', viewerId: 'x' });
    const other = minter.mint({ sessionId: SESSION, viewer: admin, mode: 'view', viewerId: 'y' });
    sessions.remove(SESSION);
    expect(readRedemption(minter.redeem(tunnelTokenHash(other.token))?.grant)).toEqual({ consumed: expect.objectContaining({ ok: true }) });
    clock.t += 31_000;
    expect(readRedemption(minter.redeem(tunnelTokenHash(token))?.grant)?.consumed).toMatchObject({ ok: false, refusal: 'expired' });
  });

  it('answers null for what it did not mint, and for anything that is not a hash', () => {
    const { minter } = setup();
    for (const bad of ['', 'x', 'A'.repeat(43), 'A'.repeat(44), '../../etc', 'vgt1_' + 'A'.repeat(43)]) expect(minter.redeem(bad)).toBeNull();
  });

  it('reads only well-formed redemptions off the link', () => {
    const grant = { kind: 'join', userId: 'u', username: 'admin', sessionId: SESSION, mode: 'view' };
    for (const bad of [
      null, 42, 'x', {}, { consumed: { ok: true } },
      { consumed: { ok: false, refusal: 'unknown', grant } },
      { consumed: { ok: true, grant: { ...grant, mode: 'admin' } } },
      { consumed: { ok: true, grant: { ...grant, kind: 'other' } } },
      { consumed: { ok: true, grant }, join: { connectionId: 'no-dollar', owner: 'alice' } },
      { consumed: { ok: true, grant }, join: { connectionId: '$x' } },
    ]) expect(readRedemption(bad)).toBeNull();
    expect(readRedemption({ consumed: { ok: true, grant, extra: 1 } })).toEqual({ consumed: { ok: true, grant } });
  });
});
