import type { AccessLogView } from '../api/types';
import {
  APPEARED_HIGHLIGHT_MS,
  ENDED_SHOWN_MS,
  MAX_ENDED_SHOWN,
  NO_RECENT_CHANGES,
  nextExpiry,
  pruned,
  withAppeared,
  withEnded,
} from './recent-changes';

const entry = (id: string) => ({ id, user: 'jdoe' }) as AccessLogView;

describe('recent changes of the sessions page', () => {
  it('highlights an appeared row until its time is up', () => {
    const changes = withAppeared(NO_RECENT_CHANGES, 's1', 1000);
    expect(pruned(changes, 1000 + APPEARED_HIGHLIGHT_MS - 1).appeared.has('s1')).toBe(true);
    expect(pruned(changes, 1000 + APPEARED_HIGHLIGHT_MS).appeared.has('s1')).toBe(false);
  });

  it('an ended session stops being highlighted as new and is listed, newest first, at most a few', () => {
    let changes = withAppeared(NO_RECENT_CHANGES, 's0', 0);
    for (let i = 0; i <= MAX_ENDED_SHOWN; i++) changes = withEnded(changes, entry(`s${i}`), i);
    expect(changes.appeared.size).toBe(0);
    expect(changes.ended.map((e) => e.entry.id)).toEqual(['s5', 's4', 's3', 's2', 's1']);
    expect(pruned(changes, 2 + ENDED_SHOWN_MS).ended.map((e) => e.entry.id)).toEqual(['s5', 's4', 's3']);
  });

  it('lists a session ended twice (a replayed event) once', () => {
    const changes = withEnded(withEnded(NO_RECENT_CHANGES, entry('s1'), 0), entry('s1'), 5);
    expect(changes.ended).toEqual([{ entry: entry('s1'), at: 5 }]);
  });

  it('keeps the same object when nothing expired, so no render is caused', () => {
    const changes = withAppeared(NO_RECENT_CHANGES, 's1', 0);
    expect(pruned(changes, 10)).toBe(changes);
  });

  it('says when the next expiry is due', () => {
    expect(nextExpiry(NO_RECENT_CHANGES, 0)).toBeNull();
    const changes = withEnded(withAppeared(NO_RECENT_CHANGES, 's1', 100), entry('s2'), 200);
    expect(nextExpiry(changes, 150)).toBe(100 + APPEARED_HIGHLIGHT_MS - 150);
    expect(nextExpiry(changes, 100 + APPEARED_HIGHLIGHT_MS + 5000)).toBe(0);
  });
});
