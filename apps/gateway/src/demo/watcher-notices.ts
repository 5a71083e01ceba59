const NOTICE = /\[Vigil\] (\S+) (?:started watching|is now watching) this session \((view|interact)\)|\[Vigil\] (\S+) stopped watching this session/;

/**
 * What the demo's scripted user learns from the jump's "[Vigil] alice started watching this
 * session (interact)" lines in its own terminal: while someone watches in interact mode, the
 * scripted user keeps its hands off the keyboard, so whoever takes control types alone. Pure:
 * fed the user's output as it arrives (notices may be split across chunks).
 */
export class WatcherNotices {
  private readonly levels = new Map<string, 'view' | 'interact'>();
  private partial = '';

  /** true while at least one viewer may type */
  get interactiveViewer(): boolean {
    return [...this.levels.values()].includes('interact');
  }

  feed(text: string): void {
    const lines = (this.partial + text).split('\n');
    // an unterminated tail waits for the rest of its line; a runaway one is dropped
    this.partial = lines.pop()!.slice(-512);
    for (const line of lines) {
      const match = NOTICE.exec(line);
      if (!match) continue;
      if (match[3]) this.levels.delete(match[3]);
      else this.levels.set(match[1], match[2] as 'view' | 'interact');
    }
  }

  /** A new session: nobody watches it yet. */
  reset(): void {
    this.levels.clear();
    this.partial = '';
  }
}
