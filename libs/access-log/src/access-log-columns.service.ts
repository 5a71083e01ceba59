import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ACCESS_LOG_COLUMNS } from '@vigil/common';
import { Actor, auditedBy } from '@vigil/auth';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { AccessLogColumnsEntity } from './entities/access-log-columns.entity';

const KNOWN = new Set(ACCESS_LOG_COLUMNS.map((c) => c.id));

/** The access-log table's columns until a user chooses: they fit a 1366 px screen. */
export const ACCESS_LOG_TABLE_DEFAULTS = ['startDate', 'endDate', 'duration', 'user', 'owner', 'type', 'client', 'accountName', 'endReason', 'endedBy', 'recording'];

/** The access-log page's columns of each user, kept like the sessions page's (on the server, per user). */
@Injectable()
export class AccessLogColumnsService {
  constructor(
    @InjectRepository(AccessLogColumnsEntity) private readonly rows: Repository<AccessLogColumnsEntity>,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  /** The user's columns; the defaults when they never chose (or chose only columns a later version dropped). */
  async of(userId: string): Promise<string[]> {
    const row = await this.rows.findOneBy({ userId });
    const saved = row ? (JSON.parse(row.columns) as string[]).filter((id) => KNOWN.has(id)) : [];
    return saved.length > 0 ? saved : ACCESS_LOG_TABLE_DEFAULTS;
  }

  /** Replaces the user's columns (`access-log-columns.update`, audited in the same transaction). */
  async set(userId: string, columns: string[], actor: Actor): Promise<void> {
    await this.uow.run(async (m) => {
      await m.upsert(AccessLogColumnsEntity, { userId, columns: JSON.stringify(columns) }, ['userId']);
      await this.outbox.appendWithin(m, { action: 'access-log-columns.update', ...auditedBy(actor), requestParameters: { columns } });
    });
  }
}
