import type { Clock } from '@vigil/common';

/** New jump servers are rare: their ids are looked up at most this often. */
const REFRESH_MS = 10_000;

/** Which agents are jump servers, cached briefly (every DescribeSessions page needs it). */
export class JumpAgents {
  private ids: Set<string> | null = null;
  private fetchedAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly fetch: () => Promise<Set<string>>,
  ) {}

  async get(): Promise<Set<string>> {
    const now = this.clock.now();
    if (!this.ids || now - this.fetchedAt >= REFRESH_MS) {
      this.ids = await this.fetch();
      this.fetchedAt = now;
    }
    return this.ids;
  }
}
