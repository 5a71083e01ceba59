import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Whether an access-log entry's recording is complete, incomplete (it failed during the session)
 * or recovered (sealed at the next boot after a crash). Existing rows stay null, which reads as
 * complete when they have a recording.
 */
export class RecordingStatus1733000000200 implements MigrationInterface {
  name = 'RecordingStatus1733000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('access_log', new TableColumn({ name: 'recording_status', type: 'varchar', length: '16', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('access_log', 'recording_status');
  }
}
