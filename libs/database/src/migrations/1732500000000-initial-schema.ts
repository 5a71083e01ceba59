import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '36', isPrimary: true });
const epoch = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });
const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });

/** The attributes an open session and its access-log entry share. */
const sessionColumns = [
  id(),
  text('agent_id', 36),
  text('external_id', 128),
  text('type', 16),
  text('status', 16),
  text('user_name', 256),
  text('device', 256),
  text('client', 256),
  { name: 'port', type: 'integer', isNullable: true },
  text('service_url', 2048, true),
  text('account_name', 256, true),
  text('service_provider', 256, true),
  text('owner', 64),
  epoch('start_date'),
];

/**
 * The whole schema, written with TypeORM's portable Table API so that one migration serves
 * SQLite and PostgreSQL alike.
 */
export class InitialSchema1732500000000 implements MigrationInterface {
  name = 'InitialSchema1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          text('username', 64),
          text('password_hash', 255),
          text('roles', 255),
          text('privileges', 255),
          { name: 'session_columns', type: 'text', isNullable: true },
          epoch('created_at'),
        ],
        uniques: [{ name: 'uq_users_username', columnNames: ['username'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'auth_tokens',
        columns: [{ ...text('token_hash', 64), isPrimary: true }, text('user_id', 36), epoch('expires_at')],
        indices: [{ name: 'ix_auth_tokens_user', columnNames: ['user_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'agents',
        columns: [id(), text('name', 128), text('kind', 16), text('token_hash', 64), epoch('created_at'), epoch('revoked_at', true)],
        uniques: [{ name: 'uq_agents_token_hash', columnNames: ['token_hash'] }],
      }),
    );
    // Never deleted with the session: this row is what makes "open" idempotent on externalId
    // even after the session has moved to the access log (and the one uniqueness constraint on
    // (agent, externalId): the session tables need no index of their own for it).
    await q.createTable(
      new Table({
        name: 'session_keys',
        columns: [
          { ...text('agent_id', 36), isPrimary: true },
          { ...text('external_id', 128), isPrimary: true },
          text('session_id', 36),
          epoch('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'open_sessions',
        columns: [...sessionColumns, epoch('last_heartbeat'), epoch('disconnected_at', true)],
        indices: [
          { name: 'ix_open_sessions_owner', columnNames: ['owner', 'start_date'] },
          { name: 'ix_open_sessions_heartbeat', columnNames: ['last_heartbeat'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'access_log',
        columns: [
          ...sessionColumns,
          epoch('end_date'),
          { name: 'duration_seconds', type: 'integer' },
          text('end_reason', 16),
          text('ended_by', 64, true),
          text('recording_path', 512, true),
          text('recording_sha256', 64, true),
        ],
      }),
    );
    for (const [name, columns] of [
      ['ix_access_log_end', ['end_date', 'id']],
      ['ix_access_log_owner_end', ['owner', 'end_date', 'id']],
      ['ix_access_log_user_end', ['user_name', 'end_date', 'id']],
      ['ix_access_log_client_end', ['client', 'end_date', 'id']],
      ['ix_access_log_type_end', ['type', 'end_date', 'id']],
    ] as const) {
      await q.createIndex('access_log', new TableIndex({ name, columnNames: [...columns] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['access_log', 'open_sessions', 'session_keys', 'agents', 'auth_tokens', 'users']) {
      await q.dropTable(table);
    }
  }
}
