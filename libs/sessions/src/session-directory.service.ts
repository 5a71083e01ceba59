import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PageCursor, SessionStatus, SessionType, SessionView, decodePageToken, encodePageToken } from '@vigil/common';
import { UnitOfWork } from '@vigil/database';
import { OpenSessionEntity } from './entities/open-session.entity';
import { toSessionView } from './session-view';

export interface SessionListFilter {
  /** the caller's visibility: their username, or null for admins and auditors */
  ownerScope: string | null;
  type?: SessionType;
  user?: string;
  // the SSM-compatible API's filters (libs/ssm)
  owner?: string;
  status?: SessionStatus;
  id?: string;
  /** the client server, or the jump target (service provider) */
  target?: string;
  /** started at or after (epoch ms) */
  startedFrom?: number;
  /** started before (epoch ms) */
  startedBefore?: number;
}

/** Read side of the registry: what a caller may see of the open sessions. */
@Injectable()
export class SessionDirectory {
  constructor(
    @InjectRepository(OpenSessionEntity) private readonly sessions: Repository<OpenSessionEntity>,
    private readonly uow: UnitOfWork,
  ) {}

  async findVisible(id: string, ownerScope: string | null): Promise<SessionView | null> {
    const session = await this.sessions.findOneBy(ownerScope === null ? { id } : { id, owner: ownerScope });
    return session ? toSessionView(session) : null;
  }

  /**
   * Which of `ids` are still open (the others have ended, or never existed). Hand-written: jumps
   * ask several times a second, beside live keystrokes.
   */
  async stillOpen(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const sql = this.uow.sql.text(`SELECT id FROM open_sessions WHERE id IN (${ids.map(() => '?').join(', ')})`);
    const rows: { id: string }[] = await this.sessions.query(sql, ids);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The open sessions a Vigil user is in through one of Vigil's jumps (their `user` is the Vigil
   * username only there; an agent's `user` is an account on some machine, not a Vigil user).
   */
  async carriedByJumpsFor(username: string): Promise<string[]> {
    const sql = this.uow.sql.text(
      "SELECT s.id FROM open_sessions s JOIN agents a ON a.id = s.agent_id WHERE s.user_name = ? AND a.kind = 'jump-server'",
    );
    const rows: { id: string }[] = await this.sessions.query(sql, [username]);
    return rows.map((row) => row.id);
  }

  /** Newest first, keyset-paged on (startDate, id). */
  async list(filter: SessionListFilter, limit: number, nextToken?: string): Promise<{ items: SessionView[]; nextToken?: string }> {
    const rows = await this.page(filter, limit + 1, nextToken ? decodePageToken(nextToken) : undefined);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toSessionView),
      ...(rows.length > limit && last ? { nextToken: encodePageToken({ t: last.startDate, id: last.id }) } : {}),
    };
  }

  async *iterate(filter: SessionListFilter, pageSize = 1000): AsyncGenerator<SessionView[]> {
    let cursor: PageCursor | undefined;
    for (;;) {
      const rows = await this.page(filter, pageSize, cursor);
      if (rows.length > 0) yield rows.map(toSessionView);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      cursor = { t: last.startDate, id: last.id };
    }
  }

  /** Open sessions per type, for the metrics endpoint. */
  async countByType(): Promise<{ type: string; count: number }[]> {
    const rows: { type: string; count: string | number }[] = await this.sessions
      .createQueryBuilder('s')
      .select('s.type', 'type')
      .addSelect('COUNT(*)', 'count')
      .groupBy('s.type')
      .getRawMany();
    return rows.map((r) => ({ type: r.type, count: Number(r.count) }));
  }

  /** Sessions whose last heartbeat is older than the threshold: candidates for the timeout sweep. */
  /**
   * Sessions still Connected whose last heartbeat is older than `threshold`, longest silent first.
   * Disconnected ones are asked for apart (findDisconnectedDue): mixed in one list, a batch full of
   * Disconnected sessions still in their grace period hid every Connected one behind it.
   */
  findSilentConnected(threshold: number, limit: number): Promise<OpenSessionEntity[]> {
    return this.sessions
      .createQueryBuilder('s')
      .where('s.lastHeartbeat < :threshold', { threshold })
      .andWhere("s.status <> 'Disconnected'")
      .orderBy('s.lastHeartbeat', 'ASC')
      .take(limit)
      .getMany();
  }

  /**
   * Disconnected sessions whose grace period is over: disconnected before `disconnectedBefore`, or
   * (no disconnect time recorded) silent since before `silentBefore`. Longest silent first.
   */
  findDisconnectedDue(disconnectedBefore: number, silentBefore: number, limit: number): Promise<OpenSessionEntity[]> {
    return this.sessions
      .createQueryBuilder('s')
      .where("s.status = 'Disconnected'")
      .andWhere('(s.disconnectedAt <= :disconnectedBefore OR (s.disconnectedAt IS NULL AND s.lastHeartbeat <= :silentBefore))', {
        disconnectedBefore,
        silentBefore,
      })
      .orderBy('s.lastHeartbeat', 'ASC')
      .take(limit)
      .getMany();
  }

  private page(filter: SessionListFilter, take: number, cursor?: PageCursor): Promise<OpenSessionEntity[]> {
    const qb = this.sessions.createQueryBuilder('s');
    if (filter.ownerScope !== null) qb.andWhere('s.owner = :scope', { scope: filter.ownerScope });
    if (filter.type !== undefined) qb.andWhere('s.type = :type', { type: filter.type });
    if (filter.user !== undefined) qb.andWhere('s.user = :user', { user: filter.user });
    if (filter.owner !== undefined) qb.andWhere('s.owner = :owner', { owner: filter.owner });
    if (filter.status !== undefined) qb.andWhere('s.status = :status', { status: filter.status });
    if (filter.id !== undefined) qb.andWhere('s.id = :id', { id: filter.id });
    if (filter.target !== undefined) qb.andWhere('(s.client = :target OR s.serviceProvider = :target)', { target: filter.target });
    if (filter.startedFrom !== undefined) qb.andWhere('s.startDate >= :startedFrom', { startedFrom: filter.startedFrom });
    if (filter.startedBefore !== undefined) qb.andWhere('s.startDate < :startedBefore', { startedBefore: filter.startedBefore });
    if (cursor) qb.andWhere('(s.startDate < :ct OR (s.startDate = :ct AND s.id < :cid))', { ct: cursor.t, cid: cursor.id });
    return qb.orderBy('s.startDate', 'DESC').addOrderBy('s.id', 'DESC').take(take).getMany();
  }
}
