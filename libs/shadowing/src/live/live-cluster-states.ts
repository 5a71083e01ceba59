import type { ControlLockState } from '../control-lock';

/**
 * What a gateway knows of a desktop (RDP/VNC) session another process holds: who is attached and
 * who holds control, as the holder last pushed it (`live:state`). `seq` grows with every push of
 * the holder (one holder per session), so a late answer never overwrites a newer push.
 */
export interface RemoteSessionState {
  seq: number;
  control: ControlLockState;
  /** the viewer ids attached now (socket ids, on whichever gateway) */
  viewerIds: string[];
}

/**
 * The viewer side's copy of the holders' session states (pure, no timers): the Guacamole tunnel of
 * a viewer on this gateway asks it, message by message, whether its input may pass (the control
 * lock lives in the holder's hub; this is its latest word), and whether its viewer is still
 * attached. Unknown sessions allow nothing.
 */
export class RemoteSessionStates {
  private readonly states = new Map<string, RemoteSessionState>();

  /** Keeps `state` unless a newer one is known; true if it was kept. */
  apply(sessionId: string, state: RemoteSessionState): boolean {
    const known = this.states.get(sessionId);
    if (known && known.seq >= state.seq) return false;
    this.states.set(sessionId, state);
    return true;
  }

  get(sessionId: string): RemoteSessionState | undefined {
    return this.states.get(sessionId);
  }

  /** Attached in interact mode and holding the lock, by the holder's latest word. */
  mayType(sessionId: string, viewerId: string): boolean {
    const state = this.states.get(sessionId);
    return !!state && state.viewerIds.includes(viewerId) && state.control.interactiveViewers.includes(viewerId) && state.control.holder === viewerId;
  }

  /** Whether `viewerId` is attached (undefined: nothing known of the session). */
  attached(sessionId: string, viewerId: string): boolean | undefined {
    return this.states.get(sessionId)?.viewerIds.includes(viewerId);
  }

  forget(sessionId: string): void {
    this.states.delete(sessionId);
  }

  get size(): number {
    return this.states.size;
  }
}
