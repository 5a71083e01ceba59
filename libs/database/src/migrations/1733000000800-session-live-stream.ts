import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Which open sessions Vigil itself carries a live stream for (issue 11, defect 1): `terminal`
 * (its jump, the browser terminal) or `desktop` (its RDP/VNC tunnel); null for sessions an agent
 * reported, which nobody can watch. Set only by Vigil's own openers, never by the agent API.
 */
export class SessionLiveStream1733000000800 implements MigrationInterface {
  name = 'SessionLiveStream1733000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('open_sessions', new TableColumn({ name: 'live_stream', type: 'varchar', length: '16', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('open_sessions', 'live_stream');
  }
}
