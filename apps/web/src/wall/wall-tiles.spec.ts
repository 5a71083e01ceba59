import { DESKTOP_REASON, retryAfterMs, wallOrder, wallTileKind } from './wall-tiles';

const ssh = { type: 'PAM_SSH', liveStream: true } as const;

describe('wall tiles', () => {
  it('draws a thumbnail for a watchable SSH session only', () => {
    expect(wallTileKind(ssh)).toEqual({ kind: 'thumbnail' });
    expect(wallTileKind({ type: 'PAM_RDP', liveStream: true })).toEqual({ kind: 'no-live-view', reason: DESKTOP_REASON });
    expect(wallTileKind({ type: 'PAM_SSH', liveStream: false })).toEqual({ kind: 'no-live-view', reason: expect.stringMatching(/another jump server/) });
    expect(wallTileKind({ type: 'CONSOLE', liveStream: false })).toEqual({ kind: 'no-live-view', reason: expect.stringMatching(/agent/) });
  });

  it('orders thumbnails first, then by title, stably', () => {
    const base = { client: 'c', accountName: 'root', serviceProvider: 'box' };
    const sessions = [
      { id: '3', ...base, ...ssh, user: 'carol' },
      { id: '1', ...base, type: 'PAM_RDP', liveStream: true, user: 'alice' },
      { id: '2', ...base, ...ssh, user: 'bob' },
    ] as never[];
    expect(wallOrder(sessions).map((s: { id: string }) => s.id)).toEqual(['2', '3', '1']);
  });

  it('reads the retry delay of a rate-limited refusal, and nothing else', () => {
    expect(retryAfterMs('rate limited: too many thumbnail requests on this connection, retry in 250 ms')).toBe(250);
    expect(retryAfterMs('rate limited: whatever')).toBe(1000);
    expect(retryAfterMs('session not found')).toBeNull();
  });
});
