/** What SeekQueue needs of Guacamole.SessionRecording: an asynchronous seek with a completion callback. */
export interface SeekableRecording {
  seek(positionMs: number, done: () => void): void;
}

/**
 * One seek at a time, the latest target wins. Guacamole.SessionRecording replays every frame between
 * where it is and where it is asked to go, asynchronously; a new seek aborts the running one, so a
 * player asking 60 times a second (its clock at 4×, or a dragged slider) could abort every seek
 * before it reached its frame and draw nothing. Here a running seek completes, the targets asked
 * meanwhile collapse into the last one, and `onSettled` hears only positions actually reached.
 * Pure: no DOM, no timers.
 */
export class SeekQueue {
  private running = false;
  private pending: number | null = null;
  private disposed = false;

  constructor(
    private readonly recording: SeekableRecording,
    private readonly onSettled: (positionMs: number) => void,
  ) {}

  seekTo(positionMs: number): void {
    if (this.disposed) return;
    if (this.running) {
      this.pending = positionMs;
      return;
    }
    this.start(positionMs);
  }

  /** A seek is under way or waiting. */
  get busy(): boolean {
    return this.running;
  }

  /** Nothing is told after this (the player unmounted). */
  dispose(): void {
    this.disposed = true;
    this.pending = null;
  }

  private start(positionMs: number): void {
    this.running = true;
    this.recording.seek(positionMs, () => {
      this.running = false;
      if (this.disposed) return;
      const next = this.pending;
      this.pending = null;
      if (next !== null && next !== positionMs) this.start(next);
      else this.onSettled(positionMs);
    });
  }
}
