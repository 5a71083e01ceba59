import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's shown access-log columns, in order (a JSON array); no row means the defaults. */
@Entity('access_log_columns')
export class AccessLogColumnsEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'columns', type: 'text' })
  columns: string;
}
