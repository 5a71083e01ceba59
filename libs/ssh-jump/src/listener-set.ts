/**
 * A minimal listener list for the data-path taps. Unlike EventEmitter it isolates listeners: a
 * throwing tap is reported through `onError` and can never break the relay it observes. Two fixed
 * arguments (no rest parameters) keep emit() allocation-free per chunk.
 */
export class ListenerSet<A, B = void> {
  private listeners: Array<(a: A, b: B) => void> = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  get size(): number {
    return this.listeners.length;
  }

  add(listener: (a: A, b: B) => void): () => void {
    // Copy-on-write: emit() iterates a stable array even if a listener unsubscribes mid-emit.
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(a: A, b: B): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i](a, b);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  clear(): void {
    this.listeners = [];
  }
}
