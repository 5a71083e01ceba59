import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Transactions sharing one COMMIT at most: bounds how long one group holds the event loop and the write lock. */
export const MAX_GROUP = 64;

/**
 * Work that joins every transaction of a group (libs/audit chains the records a transaction
 * wrote, inside that transaction). `beforeRelease` runs after a transaction's own work, in its
 * savepoint (or its lone transaction): a throw rolls back that transaction alone, as a failure
 * of its own work would, so it must leave `group`'s state as it found it when it throws.
 * `beforeCommit` runs once the group's last transaction is done, before COMMIT: a throw fails
 * every transaction of the group. `group` is one object per group, for state kept across its
 * transactions (dropped with the group, whether it commits or not).
 */
export interface CommitGroupParticipant {
  beforeRelease(m: EntityManager, group: object): Promise<void>;
  beforeCommit(m: EntityManager, group: object): Promise<void>;
}

interface Pending {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: the transactions asked for while one is running (or during the same
 * turn of the event loop) run one after another inside a single BEGIN IMMEDIATE...COMMIT, each in
 * a savepoint of its own. Each still sees exactly what it would have seen run alone (they are
 * serialised in arrival order), a failing one rolls back to its savepoint without touching the
 * others, and every caller is answered only after the COMMIT that makes its work durable (or with
 * the COMMIT's error). What is shared is the commit: SQLite writes the changed pages of every
 * b-tree to the WAL once per COMMIT, so 50 concurrent agents' opens cost one page write-out, not 50.
 *
 * A transaction's writes are still all-or-nothing with its own audit record: the chainer (a
 * participant) takes the record only from a transaction that reached its RELEASE, and writes it
 * in the same COMMIT; a group only ever adds other transactions' work to that commit.
 */
export class SqliteCommitGroups {
  private pending: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private readonly participants: CommitGroupParticipant[] = [];
  /** the managers handed to transactions now running: what `isRunning` answers */
  private readonly running = new WeakSet<EntityManager>();
  private groupCommitted: (m: EntityManager) => void = () => undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxGroup = MAX_GROUP,
    /** when an idle queue starts its first group: after the current turn, so that requests parsed in it join */
    private readonly defer: (run: () => void) => void = (run) => setImmediate(run),
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing && !this.scheduled) {
        this.scheduled = true;
        this.defer(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  join(participant: CommitGroupParticipant): void {
    this.participants.push(participant);
  }

  /**
   * Called with the manager the participants' `beforeCommit` got, once its group committed (never
   * when it did not): what they registered on it to run after the commit (UnitOfWork.afterCommit,
   * such as waking the event deliveries their hooks wrote) runs then.
   */
  onGroupCommitted(listener: (m: EntityManager) => void): void {
    this.groupCommitted = listener;
  }

  /** Whether `m` is the manager of a transaction this queue is running now (its participants will see it). */
  isRunning(m: EntityManager): boolean {
    return this.running.has(m);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.runGroup(this.pending.splice(0, this.maxGroup));
    } finally {
      this.flushing = false;
    }
  }

  private async runGroup(group: Pending[]): Promise<void> {
    // better-sqlite3: TypeORM's one runner on the process's one connection
    const runner = this.dataSource.createQueryRunner();
    if (group.length === 1) await this.runAlone(runner, group[0]);
    else await this.runTogether(runner, group);
  }

  /** The transaction's work, then what the participants add to it, with `m` marked running meanwhile. */
  private async runWork(item: Pending, m: EntityManager, group: object): Promise<unknown> {
    this.running.add(m);
    try {
      const value = await item.work(m);
      for (const participant of this.participants) await participant.beforeRelease(m, group);
      return value;
    } finally {
      this.running.delete(m);
    }
  }

  /** The participants' part of the commit; returns the manager they wrote through, if any. */
  private async beforeCommit(runner: QueryRunner, group: object): Promise<EntityManager | null> {
    if (this.participants.length === 0) return null;
    const m = this.dataSource.createEntityManager(runner);
    for (const participant of this.participants) await participant.beforeCommit(m, group);
    return m;
  }

  private committed(m: EntityManager | null): void {
    if (!m) return;
    try {
      this.groupCommitted(m);
    } catch {
      // what runs after a commit cannot undo it
    }
  }

  /** One transaction, nothing to share: no savepoint needed. */
  private async runAlone(runner: QueryRunner, item: Pending): Promise<void> {
    try {
      await runner.query('BEGIN IMMEDIATE');
    } catch (error) {
      item.reject(error);
      return;
    }
    try {
      const group = {};
      const value = await this.runWork(item, this.dataSource.createEntityManager(runner), group);
      const committing = await this.beforeCommit(runner, group);
      await runner.query('COMMIT');
      item.resolve(value);
      this.committed(committing);
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      item.reject(error);
    }
  }

  private async runTogether(runner: QueryRunner, group: Pending[]): Promise<void> {
    try {
      await runner.query('BEGIN IMMEDIATE');
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    const done: { item: Pending; value: unknown }[] = [];
    const failed: { item: Pending; error: unknown }[] = [];
    const state = {};
    for (let i = 0; i < group.length; i++) {
      const item = group[i];
      try {
        await runner.query('SAVEPOINT vigil_tx');
      } catch (error) {
        failed.push({ item, error });
        return this.abandon(runner, error, done, failed, group.slice(i + 1));
      }
      try {
        const value = await this.runWork(item, this.dataSource.createEntityManager(runner), state);
        await runner.query('RELEASE vigil_tx');
        done.push({ item, value });
      } catch (error) {
        try {
          await runner.query('ROLLBACK TO vigil_tx');
          await runner.query('RELEASE vigil_tx');
        } catch (rollbackError) {
          // SQLite itself ended the transaction (a full disk, an I/O error): nothing of the group survives.
          failed.push({ item, error });
          return this.abandon(runner, rollbackError, done, failed, group.slice(i + 1));
        }
        failed.push({ item, error });
      }
    }
    let committing: EntityManager | null = null;
    try {
      if (done.length > 0) committing = await this.beforeCommit(runner, state);
      await runner.query('COMMIT');
    } catch (error) {
      return this.abandon(runner, error, done, failed, []);
    }
    for (const { item, value } of done) item.resolve(value);
    for (const { item, error } of failed) item.reject(error);
    this.committed(committing);
  }

  /**
   * The group's transaction is lost: what ran in it did not commit (its callers get the error),
   * what had not run yet goes back to the head of the queue for the next group.
   */
  private async abandon(runner: QueryRunner, error: unknown, done: { item: Pending }[], failed: { item: Pending; error: unknown }[], notRun: Pending[]): Promise<void> {
    await runner.query('ROLLBACK').catch(() => undefined);
    for (const { item } of done) item.reject(error);
    for (const { item, error: own } of failed) item.reject(own);
    this.pending.unshift(...notRun);
  }
}
