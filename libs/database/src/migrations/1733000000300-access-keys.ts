import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Access keys for the SSM-compatible API (AWS Signature V4). The secret is stored encrypted, not
 * hashed: the server recomputes each request's signature from it.
 */
export class AccessKeys1733000000300 implements MigrationInterface {
  name = 'AccessKeys1733000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'access_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '20', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'secret_enc', type: 'varchar', length: '512' },
          { name: 'active', type: 'boolean' },
          { name: 'description', type: 'varchar', length: '128', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'last_used_at', type: 'bigint', isNullable: true },
        ],
        indices: [{ name: 'ix_access_keys_user', columnNames: ['user_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('access_keys');
  }
}
