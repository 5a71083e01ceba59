import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RawSql } from './raw-sql';

/**
 * Runs a function in one database transaction.
 *
 * SQLite has a single connection: two TypeORM transactions started concurrently on it would
 * interleave their statements inside one BEGIN...COMMIT. Writes are therefore serialised through
 * a promise chain on SQLite (better-sqlite3 executes synchronously, so this costs no parallelism).
 * PostgreSQL gets a pooled connection per transaction and relies on row locks.
 */
@Injectable()
export class UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;
  /** placeholders in this engine's dialect */
  readonly sql: RawSql;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
    this.sql = new RawSql(dataSource.options.type === 'postgres');
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
