import type { FlushScheduler } from '../flush-scheduler';
import { WatchNotices } from './watch-notices';

/** Time only moves when the test says so. */
class ManualScheduler implements FlushScheduler {
  private time = 0;
  private tasks: { at: number; task: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.time;
  }

  schedule(task: () => void, delayMs: number): () => void {
    const entry = { at: this.time + delayMs, task, cancelled: false };
    this.tasks.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.tasks.filter((entry) => entry.at <= this.time);
    this.tasks = this.tasks.filter((entry) => entry.at > this.time);
    for (const entry of due) if (!entry.cancelled) entry.task();
  }

  get pending(): number {
    return this.tasks.filter((entry) => !entry.cancelled).length;
  }
}

describe('WatchNotices', () => {
  let scheduler: ManualScheduler;
  let lines: string[];
  let notices: WatchNotices;

  beforeEach(() => {
    scheduler = new ManualScheduler();
    lines = [];
    notices = new WatchNotices((line) => lines.push(line), scheduler, 10_000);
  });

  it('tells a start at once, and a stop at once when the start is old', () => {
    notices.update('bob', 'view');
    expect(lines).toEqual(['bob started watching this session (view)']);
    scheduler.advance(60_000);
    notices.update('bob', null);
    expect(lines).toEqual(['bob started watching this session (view)', 'bob stopped watching this session']);
  });

  it('1,000 re-attaches (leave and come back at once) make one line', () => {
    for (let i = 0; i < 1000; i++) {
      notices.update('bob', 'view');
      notices.update('bob', null);
      scheduler.advance(1);
    }
    notices.update('bob', 'view');
    scheduler.advance(60_000);
    expect(lines).toEqual(['bob started watching this session (view)']);
    expect(scheduler.pending).toBe(0);
  });

  it('a stop soon after the start is told when the quiet period ends, with what is true then', () => {
    notices.update('bob', 'view');
    scheduler.advance(2_000);
    notices.update('bob', null);
    expect(lines).toHaveLength(1);
    scheduler.advance(7_999);
    expect(lines).toHaveLength(1);
    scheduler.advance(1);
    expect(lines).toEqual(['bob started watching this session (view)', 'bob stopped watching this session']);
  });

  it('an escalation is never delayed: more access is told at once, even within the quiet period', () => {
    notices.update('bob', 'view');
    scheduler.advance(100);
    notices.update('bob', 'interact');
    expect(lines).toEqual(['bob started watching this session (view)', 'bob is now watching this session (interact)']);
    // back to view only: a de-escalation waits
    notices.update('bob', 'view');
    expect(lines).toHaveLength(2);
    scheduler.advance(10_000);
    expect(lines[2]).toBe('bob is now watching this session (view)');
  });

  it('a stop after an old start is told once, then a new start at once', () => {
    notices.update('bob', 'view');
    scheduler.advance(20_000);
    notices.update('bob', null);
    notices.update('bob', 'view');
    expect(lines).toEqual(['bob started watching this session (view)', 'bob stopped watching this session', 'bob started watching this session (view)']);
  });

  it('any flood is bounded: at most two lines per quiet period per viewer, and the last line is the truth', () => {
    const levels = ['view', 'interact', null] as const;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let last: (typeof levels)[number] = null;
    for (let i = 0; i < 20_000; i++) {
      last = levels[Math.floor(random() * 3)];
      notices.update('bob', last);
      scheduler.advance(Math.floor(random() * 3)); // ~1 ms apart: 20 s of flooding
    }
    const elapsed = scheduler.now();
    expect(lines.length).toBeLessThanOrEqual(2 * (Math.ceil(elapsed / 10_000) + 1));
    scheduler.advance(10_000);
    const truth = last === null ? 'bob stopped watching this session' : `(${last})`;
    expect(lines[lines.length - 1]).toContain(truth);
  });

  it('a wall thumbnail is a view named as such: told once however often it comes back, a label alone is not news', () => {
    for (let i = 0; i < 100; i++) {
      notices.update('bob', 'view', 'wall thumbnail');
      notices.update('bob', null);
    }
    notices.update('bob', 'view', 'wall thumbnail');
    scheduler.advance(60_000);
    expect(lines).toEqual(['bob started watching this session (wall thumbnail)']);
    // the same person now also attaches in view mode: no new access, no line
    notices.update('bob', 'view');
    expect(lines).toHaveLength(1);
    // more access is news at once, and the stop is told like any viewer's
    notices.update('bob', 'interact');
    notices.update('bob', null);
    scheduler.advance(10_000);
    expect(lines).toEqual(['bob started watching this session (wall thumbnail)', 'bob is now watching this session (interact)', 'bob stopped watching this session']);
  });

  it('viewers are independent, and nothing is told after close', () => {
    notices.update('bob', 'view');
    notices.update('carol', 'interact');
    notices.update('bob', null);
    notices.close();
    scheduler.advance(60_000);
    expect(lines).toEqual(['bob started watching this session (view)', 'carol started watching this session (interact)']);
    expect(scheduler.pending).toBe(0);
  });
});
