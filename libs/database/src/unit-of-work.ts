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
    if (!this.sqlite) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.immediate(work));
    this.tail = result.catch(() => undefined);
    return result;
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
