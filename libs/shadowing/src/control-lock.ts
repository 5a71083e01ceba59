/** The session's own user, as a party in `canType`. Viewer ids can never take this value. */
export const SESSION_USER = 'user';

export type ViewerMode = 'view' | 'interact';

/** Who controls input right now; small enough to broadcast to every viewer on each change. */
export interface ControlLockState {
  /** Viewer holding the exclusive input lock, or null. */
  holder: string | null;
  /** Whether the user's own keyboard is paused. */
  userPaused: boolean;
  /** Viewer who paused the user, or null. */
  pausedBy: string | null;
  /** Viewers attached in `interact` mode, in attach order: the ones who may take the lock. */
  interactiveViewers: string[];
}

/** `changed` tells the edge whether the state differs, i.e. whether to broadcast it. */
export interface ControlLockChange {
  ok: true;
  changed: boolean;
}

export type AttachResult = ControlLockChange | { ok: false; reason: 'reserved-id' };

export type TakeResult =
  | (ControlLockChange & { previousHolder: string | null })
  | { ok: false; reason: 'not-attached' | 'not-interactive' }
  | { ok: false; reason: 'held-by'; holder: string };

export type HandBackResult = ControlLockChange | { ok: false; reason: 'not-holder'; holder: string | null };

export type PauseUserResult =
  | ControlLockChange
  | { ok: false; reason: 'not-attached' }
  | { ok: false; reason: 'already-paused'; pausedBy: string };

export interface TakeOptions {
  /**
   * Take the lock even if another viewer holds it (`previousHolder` says whom to tell). Meant for
   * administrators: the edge decides who may force; the core only applies it.
   */
  force?: boolean;
}

/**
 * Who may type into one session. The user types unless paused; at most one viewer, attached in
 * `interact` mode, holds the exclusive input lock and only that viewer's input is forwarded.
 * The user keeps typing while a viewer holds the lock (co-piloting); to take over completely an
 * administrator also pauses the user.
 *
 * Role checks are the edge's job; this class only records and enforces the rules, and reports
 * refusals as values rather than exceptions so the edge can relay them to the viewer.
 *
 * Safety rules: the lock is released when its holder detaches or drops to `view` mode, and a
 * pause is lifted when the viewer who paused the user detaches, so a closed browser tab can
 * never leave a session without anyone able to type.
 */
export class ControlLock {
  private readonly viewers = new Map<string, ViewerMode>();
  private lockHolder: string | null = null;
  private pausedBy: string | null = null;

  /** Adds a viewer, or changes the mode of one already attached. */
  attach(viewerId: string, mode: ViewerMode): AttachResult {
    if (viewerId === SESSION_USER || viewerId.length === 0) return { ok: false, reason: 'reserved-id' };
    const previous = this.viewers.get(viewerId);
    this.viewers.set(viewerId, mode);
    let changed = previous !== mode;
    if (mode === 'view' && this.lockHolder === viewerId) {
      this.lockHolder = null;
      changed = true;
    }
    return { ok: true, changed };
  }

  /** Removes a viewer, releasing its lock and lifting its pause. Unknown ids are a no-op. */
  detach(viewerId: string): ControlLockChange {
    if (!this.viewers.delete(viewerId)) return { ok: true, changed: false };
    if (this.lockHolder === viewerId) this.lockHolder = null;
    if (this.pausedBy === viewerId) this.pausedBy = null;
    return { ok: true, changed: true };
  }

  take(viewerId: string, options: TakeOptions = {}): TakeResult {
    const mode = this.viewers.get(viewerId);
    if (mode === undefined) return { ok: false, reason: 'not-attached' };
    if (mode !== 'interact') return { ok: false, reason: 'not-interactive' };
    const previousHolder = this.lockHolder;
    if (previousHolder === viewerId) return { ok: true, changed: false, previousHolder };
    if (previousHolder !== null && !options.force) return { ok: false, reason: 'held-by', holder: previousHolder };
    this.lockHolder = viewerId;
    return { ok: true, changed: true, previousHolder };
  }

  /**
   * Moves the lock to `to` (a granted request), only if it is still held by `expectedHolder`
   * (null: free): a grant decided against a state that changed meanwhile does nothing.
   */
  moveTo(to: string, expectedHolder: string | null): TakeResult | { ok: false; reason: 'holder-changed' } {
    const mode = this.viewers.get(to);
    if (mode === undefined) return { ok: false, reason: 'not-attached' };
    if (mode !== 'interact') return { ok: false, reason: 'not-interactive' };
    if (this.lockHolder !== expectedHolder) return { ok: false, reason: 'holder-changed' };
    this.lockHolder = to;
    return { ok: true, changed: expectedHolder !== to, previousHolder: expectedHolder };
  }

  /** Gives the lock back. Only the holder can. */
  handBack(viewerId: string): HandBackResult {
    if (this.lockHolder !== viewerId) return { ok: false, reason: 'not-holder', holder: this.lockHolder };
    this.lockHolder = null;
    return { ok: true, changed: true };
  }

  /** Stops forwarding the user's own keystrokes. Records who did it; the edge checks the role. */
  pauseUser(byViewerId: string): PauseUserResult {
    if (!this.viewers.has(byViewerId)) return { ok: false, reason: 'not-attached' };
    if (this.pausedBy === byViewerId) return { ok: true, changed: false };
    if (this.pausedBy !== null) return { ok: false, reason: 'already-paused', pausedBy: this.pausedBy };
    this.pausedBy = byViewerId;
    return { ok: true, changed: true };
  }

  resumeUser(): ControlLockChange {
    const changed = this.pausedBy !== null;
    this.pausedBy = null;
    return { ok: true, changed };
  }

  /** Whether input from this party (`SESSION_USER` or a viewer id) should be forwarded to the session. */
  canType(party: string): boolean {
    if (party === SESSION_USER) return this.pausedBy === null;
    return this.lockHolder === party;
  }

  holder(): string | null {
    return this.lockHolder;
  }

  state(): ControlLockState {
    const interactiveViewers = [...this.viewers].filter(([, mode]) => mode === 'interact').map(([id]) => id);
    return { holder: this.lockHolder, userPaused: this.pausedBy !== null, pausedBy: this.pausedBy, interactiveViewers };
  }
}
