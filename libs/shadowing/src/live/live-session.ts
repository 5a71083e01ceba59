import type { UserPrincipal } from '@vigil/auth';
import { ControlLock, ViewerMode } from '../control-lock';
import { ControlRequests } from '../control-lock-requests';
import type { ViewerInfo } from './live-events';
import type { LiveSessionInfo, LiveSource } from './live-source';
import type { LiveStream, StreamStart } from './streams/live-stream';

/**
 * One live session, whatever its protocol: its viewers, who may type, and its origin. The
 * pictures go through its stream (terminal or Guacamole adapter).
 */
export class LiveSession<S extends LiveSource = LiveSource, T extends LiveStream = LiveStream> {
  readonly lock = new ControlLock();
  /** viewers asking the holder (or an admin) for the lock */
  readonly requests = new ControlRequests();
  private readonly viewers = new Map<string, ViewerInfo>();
  /** wall thumbnails (by wall socket id): watchers too, listed and announced, but outside the lock and the stream */
  private readonly wallViewers = new Map<string, ViewerInfo>();
  private closed = false;

  constructor(
    readonly info: LiveSessionInfo,
    readonly source: S,
    readonly stream: T,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Adds a viewer and returns what it must start from. The stream's cut is made before this
   * returns (see LiveStream.attach): join the viewer to the room in the same tick.
   */
  attach(viewer: ViewerInfo, principal: UserPrincipal): { start: Promise<StreamStart> } | { error: string } {
    const locked = this.lock.attach(viewer.viewerId, viewer.mode);
    if (!locked.ok) return { error: `viewer id ${viewer.viewerId} is reserved` };
    this.viewers.set(viewer.viewerId, viewer);
    return { start: this.stream.attach(viewer, principal) };
  }

  detach(viewerId: string): ViewerInfo | null {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return null;
    this.viewers.delete(viewerId);
    this.stream.detach(viewerId);
    const wasPausing = this.lock.state().pausedBy === viewerId;
    this.lock.detach(viewerId);
    this.requests.forget(viewerId);
    if (wasPausing) this.source.setUserInputPaused(false);
    return viewer;
  }

  viewer(viewerId: string): ViewerInfo | undefined {
    return this.viewers.get(viewerId);
  }

  viewerList(): ViewerInfo[] {
    return [...this.viewers.values()];
  }

  /** A wall socket now shows this session's thumbnail. False if it already did. */
  addWallViewer(socketId: string, username: string): boolean {
    if (this.closed || this.wallViewers.has(socketId)) return false;
    // Its own id: the same socket may also be attached, and a list's ids stay unique (a wall viewer is never a lock id).
    this.wallViewers.set(socketId, { viewerId: `wall:${socketId}`, username, mode: 'view', since: new Date().toISOString(), via: 'wall' });
    return true;
  }

  removeWallViewer(socketId: string): ViewerInfo | null {
    const viewer = this.wallViewers.get(socketId);
    if (!viewer) return null;
    this.wallViewers.delete(socketId);
    return viewer;
  }

  /** Everyone who sees the session: its viewers, then its wall thumbnails (`via: 'wall'`). What the user and the lists are told. */
  watcherList(): ViewerInfo[] {
    return [...this.viewers.values(), ...this.wallViewers.values()];
  }

  /** Ends the session for its viewers; returns who was watching. */
  close(): ViewerInfo[] {
    if (this.closed) return [];
    this.closed = true;
    this.stream.close();
    return this.viewerList();
  }

  /** Viewers that fell behind while the session is quiet still need their fresh start once drained. */
  pollBehindViewers(): void {
    if (!this.closed) this.stream.poll();
  }
}

export type { ViewerMode };

/** A watcher as the sessions page and GET /api/live/watchers show it (the wall marker only when set: older clients see the same shape). */
export function watcherSummary({ username, mode, via }: ViewerInfo): { username: string; mode: ViewerMode; via?: 'wall' } {
  return via ? { username, mode, via } : { username, mode };
}
