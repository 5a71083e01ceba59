import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { VigilConfig } from '@vigil/config';
import { RawSql } from './raw-sql';
import { CommitGroupParticipant, SqliteCommitGroups } from './sqlite-commit-groups';

/**
 * Runs a function in one database transaction.
 *
 * PostgreSQL gets a pooled connection per transaction and relies on row locks.
 *
 * SQLite has a single connection per process: two transactions started concurrently on it would
 * interleave their statements inside one BEGIN...COMMIT, so a process's transactions are
 * serialised (better-sqlite3 executes synchronously: no parallelism lost), and those waiting
 * together share one COMMIT, each in its own savepoint (SqliteCommitGroups). Across processes
 * (a gateway and the standalone jump sharing the embedded database) they begin IMMEDIATE: the
 * write lock is taken first, waiting up to `busy_timeout` for another process's transaction. TypeORM begins DEFERRED, and a deferred transaction that reads, then writes after
 * another process committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) — no
 * timeout helps, the snapshot it read is stale.
 *
 * The work must not start a transaction of its own (`manager.save()` would); raw SQL,
 * `manager.update()`/`insert()` and reads are fine.
 */
@Injectable()
export class UnitOfWork {
  private readonly groups: SqliteCommitGroups | null;
  /** callbacks registered by work in progress, run once its transaction commits */
  private readonly committed = new WeakMap<EntityManager, (() => void)[]>();
  /** placeholders in this engine's dialect */
  readonly sql: RawSql;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: VigilConfig,
  ) {
    this.groups = dataSource.options.type === 'better-sqlite3' ? new SqliteCommitGroups(dataSource) : null;
    // what commit-group participants registered with afterCommit in their part of the commit
    this.groups?.onGroupCommitted((m) => this.runCommitted(m));
    this.sql = new RawSql(dataSource.options.type === 'postgres', { preparedStatements: config.database.kind === 'postgres' && config.database.preparedStatements });
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let manager: EntityManager | undefined;
    const tracked = (m: EntityManager): Promise<T> => {
      manager = m;
      return work(m);
    };
    const result = this.groups ? this.groups.run(tracked) : this.dataSource.transaction(tracked);
    return result.then(
      (value) => {
        this.runCommitted(manager);
        return value;
      },
      (error: unknown) => {
        if (manager) this.committed.delete(manager);
        throw error;
      },
    );
  }

  /**
   * A change made by ONE statement (RawSql.rowsIf): on PostgreSQL it runs on a pooled connection
   * outside an explicit transaction, where a statement commits on its own (atomic all the same),
   * so it costs one round trip instead of BEGIN + statement + COMMIT. Reads before it are fine;
   * a second write would commit separately: never. After-commit callbacks run once `work` returns.
   * On SQLite this is `run`.
   */
  async runStatement<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.groups) return this.run(work);
    const runner = this.dataSource.createQueryRunner();
    const manager = runner.manager;
    try {
      const value = await work(manager);
      this.runCommitted(manager);
      return value;
    } catch (error) {
      this.committed.delete(manager);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * SQLite: `participant` joins every transaction (SqliteCommitGroups); false on PostgreSQL,
   * where transactions are not grouped and nothing is joined.
   */
  joinSqliteTransactions(participant: CommitGroupParticipant): boolean {
    if (!this.groups) return false;
    this.groups.join(participant);
    return true;
  }

  /** SQLite: whether `m` belongs to a transaction now running, which its participants will see before it commits. */
  inSqliteTransaction(m: EntityManager): boolean {
    return this.groups?.isRunning(m) ?? false;
  }

  /**
   * Runs `callback` after the transaction `m` belongs to commits (never if it rolls back): for
   * waking a worker that must not look before the rows it will read are visible.
   */
  afterCommit(m: EntityManager, callback: () => void): void {
    const list = this.committed.get(m);
    if (list) list.push(callback);
    else this.committed.set(m, [callback]);
  }

  private runCommitted(manager: EntityManager | undefined): void {
    if (!manager) return;
    const callbacks = this.committed.get(manager);
    if (!callbacks) return;
    this.committed.delete(manager);
    for (const callback of callbacks) {
      try {
        callback();
      } catch {
        // a waker's failure is not the transaction's
      }
    }
  }
}
