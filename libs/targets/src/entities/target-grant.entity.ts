import { Entity, PrimaryColumn } from 'typeorm';

export type GranteeKind = 'user' | 'role';

/** One "who may connect" entry of a target: a user (by id) or everyone holding a role. */
@Entity('target_grants')
export class TargetGrantEntity {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId: string;

  @PrimaryColumn({ name: 'grantee_kind', type: 'varchar', length: 8 })
  granteeKind: GranteeKind;

  /** a user id for 'user', a role name for 'role' */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  grantee: string;
}
