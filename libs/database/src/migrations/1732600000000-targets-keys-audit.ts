import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });
const epoch = (name: string) => ({ name, type: 'bigint' });

/** SSH targets with encrypted credentials, users' SSH public keys, the audit hash chain, end messages. */
export class TargetsKeysAudit1732600000000 implements MigrationInterface {
  name = 'TargetsKeysAudit1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'targets',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('name', 64),
          text('host', 256),
          { name: 'port', type: 'integer' },
          text('account_name', 128),
          text('owner', 64, true),
          { name: 'password_enc', type: 'text', isNullable: true },
          { name: 'private_key_enc', type: 'text', isNullable: true },
          text('host_key_sha256', 128, true),
          { name: 'policy', type: 'text' },
          epoch('created_at'),
        ],
        uniques: [{ name: 'uq_targets_name', columnNames: ['name'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_ssh_keys',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('user_id', 36),
          text('algorithm', 64),
          { name: 'public_key', type: 'text' },
          text('fingerprint', 128),
          text('comment', 256, true),
          epoch('created_at'),
        ],
        uniques: [{ name: 'uq_user_ssh_keys_fingerprint', columnNames: ['user_id', 'fingerprint'] }],
        indices: [{ name: 'ix_user_ssh_keys_user', columnNames: ['user_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          epoch('at'),
          text('actor', 128),
          text('action', 64),
          text('session_id', 36, true),
          { name: 'detail', type: 'text' },
          text('prev_hash', 64),
          text('hash', 64),
        ],
        indices: [{ name: 'ix_audit_events_session', columnNames: ['session_id', 'seq'] }],
      }),
    );
    // One row: the chain's head. Writers lock it, so appends are serialised across gateways.
    await q.createTable(
      new Table({
        name: 'audit_head',
        columns: [{ name: 'id', type: 'integer', isPrimary: true }, { name: 'seq', type: 'bigint' }, text('hash', 64)],
      }),
    );
    // The words a person gave for ending a session (the terminate reason shown to the user).
    await q.addColumn('access_log', new TableColumn({ name: 'end_message', type: 'varchar', length: '500', isNullable: true }));
    // MAX(duration_seconds) in O(log n): it bounds time-window searches (see AccessLogService).
    await q.createIndex('access_log', new TableIndex({ name: 'ix_access_log_duration', columnNames: ['duration_seconds'] }));
    await q.query(`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('access_log', 'ix_access_log_duration');
    await q.dropColumn('access_log', 'end_message');
    for (const table of ['audit_head', 'audit_events', 'user_ssh_keys', 'targets']) await q.dropTable(table);
  }
}
