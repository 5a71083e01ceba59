import type { AuthService } from '@vigil/auth';
import type { VigilConfig } from '@vigil/config';
import type { AccessLogView, SessionView } from '@vigil/common';
import { SessionsGateway } from './sessions.gateway';

/** A /sessions namespace reduced to what the gateway's broadcasts touch: its rooms and `to`. */
function fakeNamespace(rooms: Record<string, number>) {
  const emitted: { rooms: string[]; event: string }[] = [];
  const to = jest.fn((target: string[]) => ({ emit: (event: string) => emitted.push({ rooms: target, event }) }));
  const roomMap = new Map(Object.entries(rooms).map(([name, members]) => [name, new Set(Array.from({ length: members }, (_, i) => `socket-${i}`))]));
  return { namespace: { adapter: { rooms: roomMap }, to }, to, emitted };
}

function gateway(redisUrl: string | null, rooms: Record<string, number>) {
  const fake = fakeNamespace(rooms);
  const gw = new SessionsGateway({} as AuthService, { redisUrl } as VigilConfig);
  (gw as unknown as { server: unknown }).server = fake.namespace;
  return { gw, ...fake };
}

const session = { id: 's1', owner: 'alice' } as SessionView;
const entry = { id: 's1', owner: 'alice' } as AccessLogView;

describe('SessionsGateway broadcasts', () => {
  it('encodes nothing when no page on this gateway may see the event (no REDIS_URL)', () => {
    const { gw, to } = gateway(null, { 'sessions:owner:bob': 2 });
    gw.onOpened({ session });
    gw.onUpdated({ session });
    gw.onEnded({ entry });
    gw.onViewers({ sessionId: 's1', owner: 'alice', viewers: [] });
    expect(to).not.toHaveBeenCalled();
  });

  it("reaches the owner's pages and the all-sessions pages when either has a member", () => {
    const owners = gateway(null, { 'sessions:owner:alice': 1 });
    owners.gw.onOpened({ session });
    const admins = gateway(null, { 'sessions:all': 1 });
    admins.gw.onEnded({ entry });
    expect(owners.emitted).toEqual([{ rooms: ['sessions:all', 'sessions:owner:alice'], event: 'session.opened' }]);
    expect(admins.emitted).toEqual([{ rooms: ['sessions:all', 'sessions:owner:alice'], event: 'session.ended' }]);
  });

  it('always broadcasts with REDIS_URL: the pages may be on another gateway', () => {
    const { gw, emitted } = gateway('redis://127.0.0.1:6379', {});
    gw.onUpdated({ session });
    expect(emitted).toEqual([{ rooms: ['sessions:all', 'sessions:owner:alice'], event: 'session.updated' }]);
  });
});
