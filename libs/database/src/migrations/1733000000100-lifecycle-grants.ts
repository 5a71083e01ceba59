import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Account lifecycle and grants (issue "Security first"): users can be disabled, usernames are
 * unique whatever their case, Vigil's own agent identities are marked so no admin-made agent can
 * pose as one, and targets are reached only through explicit grants.
 *
 * Upgrading gives existing targets no grants: nobody reaches them until an admin says who may
 * (`PUT /api/targets/{name}/grants`). That is the point of the change, and the changelog says so.
 */
export class LifecycleGrants1733000000100 implements MigrationInterface {
  name = 'LifecycleGrants1733000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn({ name: 'disabled_at', type: 'bigint', isNullable: true }));
    // Case-insensitive uniqueness: an expression index, same SQL on SQLite and PostgreSQL.
    await q.query('CREATE UNIQUE INDEX uq_users_username_ci ON users (lower(username))');
    await q.addColumn('agents', new TableColumn({ name: 'internal', type: 'boolean', default: false }));
    // The embedded jump's identity, created by Vigil before this migration: the oldest of its name.
    await q.query(
      `UPDATE agents SET internal = ${q.connection.options.type === 'postgres' ? 'true' : '1'}
        WHERE id = (SELECT id FROM agents WHERE name = 'embedded-jump' AND kind = 'jump-server' ORDER BY created_at LIMIT 1)`,
    );
    await q.createTable(
      new Table({
        name: 'target_grants',
        columns: [
          { name: 'target_id', type: 'varchar', length: '36', isPrimary: true },
          // 'user' (grantee = user id) or 'role' (grantee = role name)
          { name: 'grantee_kind', type: 'varchar', length: '8', isPrimary: true },
          { name: 'grantee', type: 'varchar', length: '64', isPrimary: true },
        ],
        indices: [{ name: 'ix_target_grants_grantee', columnNames: ['grantee_kind', 'grantee'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('target_grants');
    await q.dropColumn('agents', 'internal');
    await q.query('DROP INDEX uq_users_username_ci');
    await q.dropColumn('users', 'disabled_at');
  }
}
