import type { JumpClock } from './jump-clock';

/** A deterministic clock for specs: time only moves when the test says so; due tasks then run. */
export class ManualJumpClock implements JumpClock {
  private time = 0;
  private tasks: Array<{ at: number; task: () => void; cancelled: boolean }> = [];

  now(): number {
    return this.time;
  }

  schedule(task: () => void, delayMs: number): () => void {
    const entry = { at: this.time + Math.max(0, delayMs), task, cancelled: false };
    this.tasks.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Moves time forward, running every task that falls due on the way, in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.tasks.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      due.cancelled = true;
      due.task();
    }
    this.time = end;
    this.tasks = this.tasks.filter((t) => !t.cancelled);
  }

  get pendingTasks(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
}
