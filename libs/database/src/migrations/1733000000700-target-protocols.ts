import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Targets reached through guacd (issue 10): a protocol (`ssh`, the default and every existing
 * target, `rdp` or `vnc`) and the RDP connection's options. The VNC password and the RDP
 * password use the existing encrypted `password_enc` column.
 */
export class TargetProtocols1733000000700 implements MigrationInterface {
  name = 'TargetProtocols1733000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('targets', [
      new TableColumn({ name: 'protocol', type: 'varchar', length: '8', default: "'ssh'" }),
      new TableColumn({ name: 'rdp_security', type: 'varchar', length: '8', isNullable: true }),
      new TableColumn({ name: 'ignore_cert', type: 'boolean', default: false }),
      new TableColumn({ name: 'domain', type: 'varchar', length: '256', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['domain', 'ignore_cert', 'rdp_security', 'protocol']) await q.dropColumn('targets', column);
  }
}
