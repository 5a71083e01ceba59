import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository, SelectQueryBuilder } from 'typeorm';
import { AccessLogView, PageCursor, RecordingStatus, decodePageToken, encodePageToken } from '@vigil/common';
import { RawSql, SqlStatement } from '@vigil/database';
import { AccessLogFilter } from './access-log-filter';
import { SqlDialect, SqlFragment, activeDuringClause, escapeLike, matchClause } from './access-log-match';
import { INSERT_ACCESS_LOG_ENTRY, SELECT_ACCESS_LOG_ENTRY, accessLogParams, toAccessLogEntry } from './access-log-sql';
import { toAccessLogView } from './access-log-view';
import { AccessLogEntryEntity } from './entities/access-log-entry.entity';

const SEARCHABLE = [
  'user', 'device', 'client', 'accountName', 'serviceUrl', 'serviceProvider', 'owner', 'externalId', 'id',
  // why it ended: "terminated", who did, and the reason they gave
  'endReason', 'endedBy', 'endMessage',
];

/** Counting stops here: a count is exact up to it, "more than" beyond (a count must not scan the whole log). */
export const ACCESS_LOG_COUNT_CAP = 10_000;

export interface AccessLogPage {
  items: AccessLogView[];
  nextToken?: string;
}

/** How many entries match: `count` exactly when `exact`, otherwise more than `count`. */
export interface AccessLogTotal {
  count: number;
  exact: boolean;
}

@Injectable()
export class AccessLogService {
  private readonly dialect: SqlDialect;

  constructor(@InjectRepository(AccessLogEntryEntity) private readonly entries: Repository<AccessLogEntryEntity>) {
    this.dialect = entries.manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** Appends an entry inside the caller's transaction (the registry's atomic move). */
  async appendWithin(manager: EntityManager, sql: RawSql, entry: AccessLogEntryEntity): Promise<void> {
    await sql.run(manager, INSERT_ACCESS_LOG_ENTRY, accessLogParams(entry));
  }

  /** appendWithin's INSERT, for a caller that sends it with its other writes in one round trip (RawSql.runAll). */
  appendStatement(entry: AccessLogEntryEntity): SqlStatement {
    return { sql: INSERT_ACCESS_LOG_ENTRY, params: accessLogParams(entry) };
  }

  async findWithin(manager: EntityManager, sql: RawSql, id: string): Promise<AccessLogEntryEntity | null> {
    const [row] = await sql.rows<Record<string, unknown>>(manager, `${SELECT_ACCESS_LOG_ENTRY} WHERE id = ?`, [id]);
    return row ? toAccessLogEntry(row) : null;
  }

  async findVisible(id: string, ownerScope: string | null): Promise<AccessLogView | null> {
    const entry = await this.entries.findOneBy(ownerScope === null ? { id } : { id, owner: ownerScope });
    return entry ? toAccessLogView(entry) : null;
  }

  /** Newest first, keyset-paged on (endDate, id): stable while new entries arrive. */
  async query(filter: AccessLogFilter, limit: number, nextToken?: string): Promise<AccessLogPage> {
    const cursor = nextToken ? decodePageToken(nextToken) : undefined;
    const rows = await (await this.filtered(filter, cursor)).take(limit + 1).getMany();
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toAccessLogView),
      ...(rows.length > limit && last ? { nextToken: encodePageToken({ t: last.endDate, id: last.id }) } : {}),
    };
  }

  /**
   * How many entries match (in the caller's scope: the filter carries it), counted up to
   * `cap` + 1 rows so a broad search on a large log stays bounded.
   */
  async count(filter: AccessLogFilter, cap = ACCESS_LOG_COUNT_CAP): Promise<AccessLogTotal> {
    const matching = (await this.filtered(filter)).orderBy().select('e.id').limit(cap + 1);
    const [sql, params] = matching.getQueryAndParameters();
    const rows = await this.entries.query(`SELECT COUNT(*) AS n FROM (${sql}) AS matching`, params);
    const n = Number((rows as { n: string | number }[])[0]?.n ?? 0);
    return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
  }

  /** Every matching entry, page by page, for exports that must not hold them all in memory. */
  async *iterate(filter: AccessLogFilter, pageSize = 1000): AsyncGenerator<AccessLogView[]> {
    let cursor: PageCursor | undefined;
    for (;;) {
      const rows = await (await this.filtered(filter, cursor)).take(pageSize).getMany();
      if (rows.length === 0) return;
      yield rows.map(toAccessLogView);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      cursor = { t: last.endDate, id: last.id };
    }
  }

  /**
   * Links a sealed recording to an entry. The entry is otherwise immutable; the link is written
   * once (the recorder closes after the session has ended, whoever ended it). A recording that
   * failed with nothing kept is linked with a null path, so the entry still says it is incomplete.
   */
  async attachRecording(id: string, recordingPath: string | null, sha256: string | null, status: RecordingStatus = 'complete'): Promise<boolean> {
    const result = await this.entries
      .createQueryBuilder()
      .update()
      .set({ recordingPath, recordingSha256: sha256, recordingStatus: status })
      .where('id = :id AND recording_path IS NULL AND recording_status IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The stored recording of an entry the caller may see. */
  async recordingOf(id: string, ownerScope: string | null): Promise<{ path: string; sha256: string | null } | null> {
    const entry = await this.entries.findOneBy(ownerScope === null ? { id } : { id, owner: ownerScope });
    return entry?.recordingPath ? { path: entry.recordingPath, sha256: entry.recordingSha256 } : null;
  }

  private async longestDurationSeconds(): Promise<number> {
    const row = await this.entries.createQueryBuilder('e').select('MAX(e.durationSeconds)', 'max').getRawOne<{ max: string | number | null }>();
    return Number(row?.max ?? 0);
  }

  /** Retention: removes entries that ended before the cutoff; returns how many. */
  async purgeEndedBefore(cutoff: number): Promise<number> {
    const result = await this.entries.delete({ endDate: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  private async filtered(filter: AccessLogFilter, cursor?: PageCursor): Promise<SelectQueryBuilder<AccessLogEntryEntity>> {
    const qb = this.entries.createQueryBuilder('e');
    if (filter.ownerScope !== null) qb.andWhere('e.owner = :scope', { scope: filter.ownerScope });
    if (filter.owner !== undefined) qb.andWhere('e.owner = :owner', { owner: filter.owner });
    if (filter.user !== undefined) where(qb, matchClause(this.dialect, ['e.user'], { mode: filter.userMatch ?? 'exact', value: filter.user }, 'user'));
    if (filter.type !== undefined) qb.andWhere('e.type = :type', { type: filter.type });
    // Agents report the server reached as `client`; jump sessions name their target as service provider.
    if (filter.target !== undefined) {
      where(qb, matchClause(this.dialect, ['e.client', 'e.serviceProvider'], { mode: filter.targetMatch ?? 'exact', value: filter.target }, 'target'));
    }
    if (filter.hasRecording) qb.andWhere('e.recordingPath IS NOT NULL');
    if (filter.sessionId !== undefined) qb.andWhere('e.id = :sessionId', { sessionId: filter.sessionId });
    // From/To mean "active during": see activeDuringClause.
    const during = activeDuringClause(filter.from, filter.to);
    if (during) where(qb, during);
    if (filter.to !== undefined) {
      // No session that ended later than `to` plus the longest recorded duration can have started
      // by `to`: this bound lets the end-date index stop there instead of scanning every newer row.
      qb.andWhere('e.endDate <= :endBound', { endBound: filter.to + ((await this.longestDurationSeconds()) + 1) * 1000 });
    }
    if (filter.status !== undefined) qb.andWhere('e.status = :status', { status: filter.status });
    if (filter.startedFrom !== undefined) {
      // Started at or after means ended at or after too: the end-date index stops there.
      qb.andWhere('e.startDate >= :startedFrom AND e.endDate >= :startedFrom', { startedFrom: filter.startedFrom });
    }
    if (filter.startedBefore !== undefined) {
      qb.andWhere('e.startDate < :startedBefore', { startedBefore: filter.startedBefore });
      qb.andWhere('e.endDate <= :startedBound', { startedBound: filter.startedBefore + ((await this.longestDurationSeconds()) + 1) * 1000 });
    }
    if (filter.q) {
      const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
      const clauses = SEARCHABLE.map((field) => `LOWER(e.${field}) LIKE :q ESCAPE '\\'`);
      qb.andWhere(`(${clauses.join(' OR ')})`, { q: pattern });
    }
    if (cursor) {
      qb.andWhere('(e.endDate < :ct OR (e.endDate = :ct AND e.id < :cid))', { ct: cursor.t, cid: cursor.id });
    }
    return qb.orderBy('e.endDate', 'DESC').addOrderBy('e.id', 'DESC');
  }
}

function where(qb: SelectQueryBuilder<AccessLogEntryEntity>, fragment: SqlFragment): void {
  qb.andWhere(fragment.sql, fragment.params);
}
