import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RawSql } from './raw-sql';

/**
 * Runs a function in one database transaction.
 *
 * PostgreSQL gets a pooled connection per transaction and relies on row locks.
 *
 * SQLite has a single connection per process: two transactions started concurrently on it would
 * interleave their statements inside one BEGIN...COMMIT, so a process's transactions are
 * serialised through a promise chain (better-sqlite3 executes synchronously: no parallelism lost).
 * Across processes (a gateway and the standalone jump sharing the embedded database) they begin
 * IMMEDIATE: the write lock is taken first, waiting up to `busy_timeout` for another process's
 * transaction. TypeORM begins DEFERRED, and a deferred transaction that reads, then writes after
 * another process committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) — no
 * timeout helps, the snapshot it read is stale.
 *
 * The work must not start a transaction of its own (`manager.save()` would); raw SQL,
 * `manager.update()`/`insert()` and reads are fine.
 */
@Injectable()
export class UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();
  /** callbacks registered by work in progress, run once its transaction commits */
  private readonly committed = new WeakMap<EntityManager, (() => void)[]>();
  private readonly sqlite: boolean;
  /** placeholders in this engine's dialect */
  readonly sql: RawSql;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    this.sql = new RawSql(dataSource.options.type === 'postgres');
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
    let result: Promise<T>;
    if (!this.sqlite) {
      result = this.dataSource.transaction(tracked);
    } else {
      result = this.tail.then(() => this.immediate(tracked));
      this.tail = result.catch(() => undefined);
    }
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

  private async immediate<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.query('BEGIN IMMEDIATE');
    try {
      const result = await work(runner.manager);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
