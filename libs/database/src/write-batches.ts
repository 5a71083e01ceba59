/** Items sent as one statement at most: bounds its size (one JSON parameter per table) and the wait. */
export const MAX_WRITE_BATCH = 64;

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches of concurrent writes of one kind (the registry's opens, its ends) for PostgreSQL, where
 * each autocommitted statement costs a round trip and a WAL flush (an fdatasync with durable
 * settings): the items asked for while a batch is in flight (or during the same turn of the event
 * loop) go together into the next one, which `runBatch` sends as one statement. One batch in
 * flight per instance, so 50 agents' opens cost a few statements and commits, not 50.
 *
 * `runBatch` answers every item, in order (its own result type says what "not done here" is);
 * if it throws, every item of that batch gets the error. Pure: no database, the deferral injected.
 */
export class WriteBatches<I, R> {
  private pending: Pending<I, R>[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly runBatch: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = MAX_WRITE_BATCH,
    /** when an idle queue sends its first batch: after the current turn, so that requests parsed in it join */
    private readonly defer: (run: () => void) => void = (run) => setImmediate(run),
  ) {}

  run(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing && !this.scheduled) {
        this.scheduled = true;
        this.defer(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.send(this.pending.splice(0, this.maxBatch));
    } finally {
      this.flushing = false;
    }
  }

  private async send(batch: Pending<I, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.runBatch(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${results.length} results`);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }
}
