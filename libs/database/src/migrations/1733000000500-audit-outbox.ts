import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { AUDIT_VOCABULARY } from '@vigil/common';

/**
 * Audit records that cannot be lost (issue 9): the transactional outbox, CloudTrail fields the
 * query filters on, and signed checkpoints of the chain head.
 *
 * - `audit_outbox`: records committed with their change, waiting to be chained.
 * - `audit_events` gains columns derived from the hashed `detail` (the CloudTrail body): event
 *   id, name and source, user name, source address, error code, read-only. They exist for
 *   indexed filtering; the verifier checks them against the hashed body. Records written before
 *   this version keep their old `detail` (their hashes cover it): their names are filled in from
 *   the action vocabulary, their event id stays null.
 * - `audit_checkpoints`: (seq, hash) of the head, Ed25519-signed with a key kept outside the
 *   database, so a rewrite of the whole chain and head is detected too.
 */
export class AuditOutbox1733000000500 implements MigrationInterface {
  name = 'AuditOutbox1733000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'at', type: 'bigint' },
          { name: 'actor', type: 'varchar', length: '128' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'session_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'detail', type: 'text' },
        ],
      }),
    );
    const derived = [
      new TableColumn({ name: 'event_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'event_name', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'event_source', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'user_name', type: 'varchar', length: '256', isNullable: true }),
      new TableColumn({ name: 'source_ip', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'error_code', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'read_only', type: 'boolean', isNullable: true }),
    ];
    await q.addColumns('audit_events', derived);
    for (const [action, kind] of Object.entries(AUDIT_VOCABULARY)) {
      const postgres = q.connection.options.type === 'postgres';
      const sql = 'UPDATE audit_events SET event_name = $1, event_source = $2, read_only = $3 WHERE action = $4';
      await q.query(postgres ? sql : sql.replace(/\$\d/g, '?'), [kind.eventName, kind.eventSource, postgres ? kind.readOnly : Number(kind.readOnly), action]);
    }
    await q.query("UPDATE audit_events SET user_name = substr(actor, 6) WHERE actor LIKE 'user:%'");
    await q.createIndices('audit_events', [
      new TableIndex({ name: 'ux_audit_events_event_id', columnNames: ['event_id'], isUnique: true }),
      new TableIndex({ name: 'ix_audit_events_event_name', columnNames: ['event_name', 'seq'] }),
      new TableIndex({ name: 'ix_audit_events_user_name', columnNames: ['user_name', 'seq'] }),
      new TableIndex({ name: 'ix_audit_events_source_ip', columnNames: ['source_ip', 'seq'] }),
      new TableIndex({ name: 'ix_audit_events_at', columnNames: ['at'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'at', type: 'bigint' },
          { name: 'key_id', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_checkpoints');
    for (const name of ['ux_audit_events_event_id', 'ix_audit_events_event_name', 'ix_audit_events_user_name', 'ix_audit_events_source_ip', 'ix_audit_events_at']) {
      await q.dropIndex('audit_events', name);
    }
    for (const name of ['event_id', 'event_name', 'event_source', 'user_name', 'source_ip', 'error_code', 'read_only']) await q.dropColumn('audit_events', name);
    await q.dropTable('audit_outbox');
  }
}
