import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The SSM importer (libs/ssm-import): AWS sources configured by admins, each source's poll state
 * (lease and health), and the sessions it mirrored with the AWS attributes the registry has no
 * column for.
 *
 * Imported sessions are owned by their AWS principal's ARN (an assumed role's ARN is often longer
 * than a Vigil username), so `owner` grows to SSM's 256 characters. PostgreSQL enforces varchar
 * lengths, and widening one is a catalogue change (no rewrite, indexes kept); SQLite does not
 * enforce them at all, and rebuilding its tables for a length it ignores would copy the whole
 * access log: it is left as it is.
 */
export class SsmImport1733000000400 implements MigrationInterface {
  name = 'SsmImport1733000000400';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('ALTER TABLE open_sessions ALTER COLUMN owner TYPE varchar(256)');
      await q.query('ALTER TABLE access_log ALTER COLUMN owner TYPE varchar(256)');
    }
    await q.createTable(
      new Table({
        name: 'ssm_import_sources',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '32', isUnique: true },
          { name: 'region', type: 'varchar', length: '32' },
          { name: 'endpoint', type: 'varchar', length: '2048', isNullable: true },
          { name: 'access_key_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'secret_enc', type: 'varchar', length: '1024', isNullable: true },
          { name: 'poll_interval_seconds', type: 'integer' },
          { name: 'enabled', type: 'boolean' },
          // 'api' or 'environment' (VIGIL_SSM_IMPORT_*: not changed through the API)
          { name: 'origin', type: 'varchar', length: '16' },
          { name: 'agent_id', type: 'varchar', length: '36' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ssm_import_state',
        columns: [
          { name: 'source_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'lease_holder', type: 'varchar', length: '64', isNullable: true },
          { name: 'lease_until', type: 'bigint', isNullable: true },
          { name: 'last_poll_at', type: 'bigint', isNullable: true },
          { name: 'last_success_at', type: 'bigint', isNullable: true },
          { name: 'last_success_started_at', type: 'bigint', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '512', isNullable: true },
          { name: 'last_error_at', type: 'bigint', isNullable: true },
          { name: 'consecutive_failures', type: 'integer', default: 0 },
          { name: 'next_poll_at', type: 'bigint', isNullable: true },
          { name: 'last_duration_ms', type: 'integer', isNullable: true },
          { name: 'active_count', type: 'integer', default: 0 },
          { name: 'history_count', type: 'integer', default: 0 },
          { name: 'imported_total', type: 'integer', default: 0 },
          { name: 'ended_total', type: 'integer', default: 0 },
          { name: 'rejected_total', type: 'integer', default: 0 },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ssm_import_sessions',
        columns: [
          { name: 'source_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'aws_session_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '36' },
          { name: 'target', type: 'varchar', length: '400' },
          { name: 'owner_arn', type: 'varchar', length: '256', isNullable: true },
          { name: 'document_name', type: 'varchar', length: '128', isNullable: true },
          { name: 'reason', type: 'varchar', length: '256', isNullable: true },
          { name: 'aws_status', type: 'varchar', length: '16' },
          { name: 'start_date', type: 'bigint' },
          { name: 'end_date', type: 'bigint', isNullable: true },
          { name: 'ended', type: 'boolean' },
          { name: 'first_seen_at', type: 'bigint' },
          { name: 'last_seen_at', type: 'bigint' },
        ],
        indices: [
          { name: 'ix_ssm_import_sessions_open', columnNames: ['source_id', 'ended'] },
          { name: 'ix_ssm_import_sessions_session', columnNames: ['session_id'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ssm_import_sessions');
    await q.dropTable('ssm_import_state');
    await q.dropTable('ssm_import_sources');
    if (q.connection.options.type === 'postgres') {
      await q.query('ALTER TABLE access_log ALTER COLUMN owner TYPE varchar(64)');
      await q.query('ALTER TABLE open_sessions ALTER COLUMN owner TYPE varchar(64)');
    }
  }
}
