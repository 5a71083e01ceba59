import type { ViewerMode } from '../control-lock';
import type { FlushScheduler } from '../flush-scheduler';
import type { LiveNoticeKind } from './live-source';

/** What a user watches a session with: the most it allows over all their viewers (null: none). */
export type WatchLevel = ViewerMode | null;

/** A de-escalation is told at the earliest this long after the previous notice about the same viewer. */
export const WATCH_NOTICE_QUIET_MS = 10_000;

const rank = (level: WatchLevel): number => (level === 'interact' ? 2 : level === 'view' ? 1 : 0);

interface Told {
  /** what the user was last told */
  announced: WatchLevel;
  /** what is true now */
  actual: WatchLevel;
  /** how the line names what is true now (the level unless told, e.g. "wall thumbnail") */
  label?: string;
  at: number;
  cancel?: () => void;
}

/**
 * The "[Vigil] alice started watching" lines of one session, one viewer (person) at a time.
 * The user is never told less than the truth, and never flooded:
 * - an escalation (someone starts watching, or may now type) is told at once;
 * - a de-escalation (stopped watching, back to view only) is told no sooner than
 *   WATCH_NOTICE_QUIET_MS after the previous notice about that viewer, and not at all if it is
 *   undone meanwhile (a re-attach, a reconnect, a second tab).
 * So 1,000 re-attaches make one line, and any sequence makes at most two lines per quiet period
 * per viewer. Pure: time and timers are injected.
 */
export class WatchNotices {
  private readonly viewers = new Map<string, Told>();

  constructor(
    private readonly notify: (line: string, kind: Extract<LiveNoticeKind, 'watching' | 'left'>) => void,
    private readonly scheduler: FlushScheduler,
    private readonly quietMs = WATCH_NOTICE_QUIET_MS,
  ) {}

  /**
   * `username` now watches with `level` (null: not at all). `label` names it in the line when the
   * level alone would mislead (a wall thumbnail is a `view`); a new label alone is not news.
   */
  update(username: string, level: WatchLevel, label?: string): void {
    let told = this.viewers.get(username);
    if (!told) {
      if (level === null) return;
      this.viewers.set(username, (told = { announced: null, actual: null, at: -Infinity }));
    }
    told.actual = level;
    told.label = label;
    if (rank(level) >= rank(told.announced)) {
      told.cancel?.();
      told.cancel = undefined;
      if (rank(level) > rank(told.announced)) this.tell(username, told);
      return;
    }
    if (told.cancel) return; // a de-escalation is already due; it will tell what is true then
    const wait = told.at + this.quietMs - this.scheduler.now();
    if (wait <= 0) return this.tell(username, told);
    told.cancel = this.scheduler.schedule(() => {
      told.cancel = undefined;
      if (rank(told.actual) < rank(told.announced)) this.tell(username, told);
    }, wait);
  }

  /** The session ended: nothing more is told. */
  close(): void {
    for (const told of this.viewers.values()) told.cancel?.();
    this.viewers.clear();
  }

  private tell(username: string, told: Told): void {
    const line =
      told.actual === null
        ? `${username} stopped watching this session`
        : told.announced === null
          ? `${username} started watching this session (${told.label ?? told.actual})`
          : `${username} is now watching this session (${told.label ?? told.actual})`;
    told.announced = told.actual;
    told.at = this.scheduler.now();
    if (told.announced === null) this.viewers.delete(username);
    this.notify(line, told.announced === null ? 'left' : 'watching');
  }
}

/**
 * What a session's user is told when a viewer changes who may type (target policy
 * `announceWatching`). A terminal's user keeps their keyboard while a viewer holds control (both
 * type into the one shell; only a pause stops the user), so the line says so plainly.
 */
export function controlNotice(
  username: string,
  action: 'take' | 'handback' | 'pause-user' | 'resume-user',
  surface: 'desktop' | 'terminal' = 'desktop',
): { line: string; kind: Extract<LiveNoticeKind, 'control' | 'paused' | 'resumed'> } {
  const inputs = surface === 'terminal' ? 'keyboard' : 'keyboard and mouse';
  switch (action) {
    case 'take':
      return {
        line: surface === 'terminal' ? `${username} took control of this session: their keys reach your shell too (you keep your keyboard)` : `${username} took control of this session`,
        kind: 'control',
      };
    case 'handback':
      return { line: `${username} handed control back`, kind: 'control' };
    case 'pause-user':
      return { line: `${username} paused your ${inputs}: what you type is not sent until it is resumed`, kind: 'paused' };
    case 'resume-user':
      return { line: `${username} resumed your ${inputs}`, kind: 'resumed' };
  }
}
