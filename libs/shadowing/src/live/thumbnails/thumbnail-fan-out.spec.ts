import type { ScreenSnapshot } from '../../screen-mirror';
import { ThumbnailEdge, ThumbnailFanOut, ThumbnailPayload, ThumbnailSource } from './thumbnail-fan-out';

class FakeScreen implements ThumbnailSource {
  calls = 0;
  text = 'hello';
  fail = false;
  snapshot(): Promise<ScreenSnapshot> {
    this.calls += 1;
    if (this.fail) return Promise.reject(new Error('ScreenMirror is disposed'));
    return Promise.resolve({ cols: 80, rows: 24, screen: this.text });
  }
}

class FakeEdge implements ThumbnailEdge {
  readonly sent: { viewerIds: string[]; payload: ThumbnailPayload }[] = [];
  readonly backlogs = new Map<string, number>();
  send(viewerIds: string[], payload: ThumbnailPayload): void {
    this.sent.push({ viewerIds: [...viewerIds], payload });
  }
  backlog(viewerId: string): number {
    return this.backlogs.get(viewerId) ?? 0;
  }
}

const S1 = '00000000-0000-4000-8000-000000000001';
const S2 = '00000000-0000-4000-8000-000000000002';

describe('ThumbnailFanOut', () => {
  let edge: FakeEdge;
  let fan: ThumbnailFanOut;
  let screen: FakeScreen;

  beforeEach(() => {
    edge = new FakeEdge();
    fan = new ThumbnailFanOut(edge, { maxPerViewer: 3, maxBacklogBytes: 1000 });
    screen = new FakeScreen();
  });

  it('takes one snapshot per changed session per tick, whatever the number of subscribers, and sends it once to all of them', async () => {
    const viewers = Array.from({ length: 50 }, (_, i) => `viewer-${i}`);
    for (const v of viewers) expect(fan.subscribe(v, S1, screen)).toEqual({ ok: true, added: true });
    await fan.tick();
    expect(screen.calls).toBe(1);
    expect(edge.sent).toHaveLength(1);
    expect(edge.sent[0].viewerIds.sort()).toEqual([...viewers].sort());
    expect(edge.sent[0].payload).toEqual({ sessionId: S1, cols: 80, rows: 24, screen: 'hello' });

    // many chunks between two ticks: still one snapshot
    for (let i = 0; i < 1000; i++) fan.changed(S1);
    screen.text = 'world';
    await fan.tick();
    expect(screen.calls).toBe(2);
    expect(edge.sent).toHaveLength(2);
    expect(edge.sent[1].payload.screen).toBe('world');
  });

  it('a quiet session costs nothing: no snapshot and nothing sent while its screen does not change', async () => {
    fan.subscribe('a', S1, screen);
    await fan.tick();
    await fan.tick();
    await fan.tick();
    expect(screen.calls).toBe(1);
    expect(edge.sent).toHaveLength(1);
  });

  it('a new subscriber of a watched session gets the latest screen at the next tick without a new snapshot', async () => {
    fan.subscribe('a', S1, screen);
    await fan.tick();
    fan.subscribe('b', S1, screen);
    await fan.tick();
    expect(screen.calls).toBe(1);
    expect(edge.sent.map((s) => s.viewerIds)).toEqual([['a'], ['b']]);
  });

  it('ignores changes of sessions nobody watches, and forgets a session when its last subscriber leaves', async () => {
    const other = new FakeScreen();
    fan.changed(S2);
    fan.subscribe('a', S1, screen);
    await fan.tick();
    expect(other.calls).toBe(0);
    expect(fan.unsubscribe('a', S1)).toBe(true);
    expect(fan.unsubscribe('a', S1)).toBe(false);
    expect(fan.isWatched(S1)).toBe(false);
    fan.changed(S1);
    await fan.tick();
    expect(screen.calls).toBe(1);
  });

  it('unsubscribes everything of a viewer whose socket closed; the others keep their thumbnails', async () => {
    const two = new FakeScreen();
    fan.subscribe('gone', S1, screen);
    fan.subscribe('gone', S2, two);
    fan.subscribe('stays', S1, screen);
    expect(fan.forgetViewer('gone').sort()).toEqual([S1, S2]);
    expect(fan.subscriptionsOf('gone').size).toBe(0);
    expect(fan.isWatched(S2)).toBe(false);
    await fan.tick();
    expect(two.calls).toBe(0);
    expect(edge.sent).toEqual([{ viewerIds: ['stays'], payload: expect.objectContaining({ sessionId: S1 }) }]);
  });

  it('caps the thumbnails per viewer; re-subscribing is a no-op that does not count twice', () => {
    expect(fan.subscribe('a', S1, screen)).toEqual({ ok: true, added: true });
    expect(fan.subscribe('a', S1, screen)).toEqual({ ok: true, added: false });
    fan.subscribe('a', S2, screen);
    fan.subscribe('a', '00000000-0000-4000-8000-000000000003', screen);
    const refused = fan.subscribe('a', '00000000-0000-4000-8000-000000000004', screen);
    expect(refused).toEqual({ ok: false, error: 'too many thumbnails on this connection (3 at most)' });
    expect(fan.subscriptionsOf('a').size).toBe(3);
    // the gateway asks before writing the audit record of a subscribe that would be refused
    expect(fan.fullRefusal('a')).toEqual(refused);
    expect(fan.fullRefusal('b')).toBeNull();
  });

  it('skips a backlogged viewer (a wall that does not read) and sends it the latest screen once it drains', async () => {
    fan.subscribe('slow', S1, screen);
    fan.subscribe('fast', S1, screen);
    edge.backlogs.set('slow', 5000);
    await fan.tick();
    expect(edge.sent.map((s) => s.viewerIds)).toEqual([['fast']]);
    fan.changed(S1);
    screen.text = 'newer';
    await fan.tick();
    expect(edge.sent.map((s) => s.viewerIds)).toEqual([['fast'], ['fast']]);
    edge.backlogs.delete('slow');
    await fan.tick();
    expect(screen.calls).toBe(2);
    expect(edge.sent[2]).toEqual({ viewerIds: ['slow'], payload: expect.objectContaining({ screen: 'newer' }) });
  });

  it('never takes two snapshots of a session at once (a slow parser is not stacked up)', async () => {
    let release!: (s: ScreenSnapshot) => void;
    const slow: ThumbnailSource & { calls: number } = {
      calls: 0,
      snapshot() {
        this.calls += 1;
        return new Promise<ScreenSnapshot>((resolve) => (release = resolve));
      },
    };
    fan.subscribe('a', S1, slow);
    const first = fan.tick();
    fan.changed(S1);
    await fan.tick();
    expect(slow.calls).toBe(1);
    release({ cols: 10, rows: 2, screen: 'x' });
    await first;
    expect(edge.sent).toHaveLength(1);
    // the change seen meanwhile is taken on the next round
    const next = fan.tick();
    release({ cols: 10, rows: 2, screen: 'y' });
    await next;
    expect(slow.calls).toBe(2);
    expect(edge.sent[1].payload.screen).toBe('y');
  });

  it('drops a failed snapshot (session ended meanwhile) and lets the subscribers go when the session ends', async () => {
    screen.fail = true;
    fan.subscribe('a', S1, screen);
    fan.subscribe('b', S1, screen);
    await fan.tick();
    expect(edge.sent).toEqual([]);
    expect(fan.sessionEnded(S1).sort()).toEqual(['a', 'b']);
    expect(fan.subscriptionsOf('a').size).toBe(0);
    expect(fan.sessionEnded(S1)).toEqual([]);
  });
});
