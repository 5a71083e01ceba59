import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';

/** The access-log columns a prefix search reads (user, and the two a target can be). */
const PREFIX_COLUMNS = [
  ['ix_access_log_user_prefix', 'user_name'],
  ['ix_access_log_client_prefix', 'client'],
  ['ix_access_log_provider_prefix', 'service_provider'],
] as const;

/**
 * Access-log search (issue 11): case-insensitive prefix search on user and target served by an
 * index on LOWER(column) (PostgreSQL: text_pattern_ops, so `LIKE 'ali%'` is an index range under any
 * collation; SQLite: a plain expression index the query ranges over), and each user's column choice
 * for the access-log page (deleted with the user).
 */
export class AccessLogSearch1733000001100 implements MigrationInterface {
  name = 'AccessLogSearch1733000001100';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    for (const [name, column] of PREFIX_COLUMNS) {
      await q.query(`CREATE INDEX ${name} ON access_log (lower(${column})${postgres ? ' text_pattern_ops' : ''})`);
    }
    await q.createTable(
      new Table({
        name: 'access_log_columns',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'columns', type: 'text' },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('access_log_columns');
    for (const [name] of PREFIX_COLUMNS) await q.query(`DROP INDEX ${name}`);
  }
}
