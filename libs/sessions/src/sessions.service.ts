import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import {
  AccessLogView,
  AuditContext,
  AuditEntry,
  Clock,
  EndReason,
  LiveStreamKind,
  SessionEndedEvent,
  SessionEvents,
  SessionOpenedEvent,
  SessionUpdatedEvent,
  SessionView,
  uuidv7,
} from '@vigil/common';
import { AccessLogEntryEntity, AccessLogService, toAccessLogView } from '@vigil/access-log';
import { AuditOutbox, UnitOfWork, WriteBatches, insertRowsSql } from '@vigil/database';
import { OpenSessionDto } from './dto/open-session.dto';
import { OpenSessionEntity } from './entities/open-session.entity';
import { INSERT_OPEN_SESSION, INSERT_SESSION_KEY, SELECT_OPEN_SESSION, openSessionParams, toOpenSession } from './open-session-sql';
import { statusAfterHeartbeat } from './session-lifecycle';
import { toSessionView } from './session-view';

/** Agents' clocks drift; a start or end date this far in the future is a bug, not a clock skew. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Ids per statement of a heartbeat batch (SQLite bounds the parameters of one statement). */
const HEARTBEAT_SLICE = 500;

/**
 * Who asked for an open or an end and through which door, for the audit record written in the
 * change's transaction. Without it the record names the session's agent (or, for a terminate,
 * the user in `endedBy`) and no source.
 */
export interface SessionAuditOrigin {
  /** `agent:<id>`, `user:<name>`, `system` */
  actor?: string;
  context?: AuditContext;
}

export interface OpenResult {
  /** the open session, or its access-log entry if it has already ended */
  session: SessionView | AccessLogView;
  created: boolean;
}

export interface EndRequest {
  reason: EndReason;
  endedBy?: string | null;
  endDate?: number;
  /** restricts the end to sessions of this agent (agent API); other agents' sessions are "not found" */
  agentId?: string;
  message?: string;
  /** timeout sweeps only: end only if no heartbeat arrived since this one was observed */
  onlyIfLastHeartbeat?: number;
  audit?: SessionAuditOrigin;
}

/** A heartbeat arrived after the sweep decided to end the session: it is alive after all. */
export class SessionRevivedError extends Error {}

export interface EndResult {
  entry: AccessLogView;
  alreadyEnded: boolean;
}

/**
 * The registry of open sessions. Every write runs in one transaction; domain events are published
 * only after the commit, so listeners never announce what could still roll back. A session's
 * start, end and termination are audited in the transaction that makes them (AuditOutbox): the
 * record exists exactly when the change does, whichever door it came through.
 */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface OpenItem {
  session: OpenSessionEntity;
  origin: SessionAuditOrigin;
  now: number;
}

interface EndItem {
  sessionId: string;
  request: EndRequest;
  now: number;
}

/** What a batched end answers for one item: done, not done here (null: the locking transaction decides), or refused. */
type EndOutcome = EndResult | null | { refused: unknown };

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  /** PostgreSQL: concurrent opens, then ends, written as one statement per batch (one commit, one round trip) */
  private readonly openBatches = new WriteBatches<OpenItem, OpenResult | null>((items) => this.openMany(items));
  private readonly endBatches = new WriteBatches<EndItem, EndOutcome>((items) => this.endMany(items));

  constructor(
    private readonly uow: UnitOfWork,
    private readonly accessLog: AccessLogService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    private readonly outbox: AuditOutbox,
  ) {}

  /**
   * `options.sessionId`: an id the caller minted (uuid v7) and already handed out — only for
   * Vigil's own internal agents (the RDP tunnel answers its connect call with it), never taken
   * from the agent HTTP API.
   */
  async open(agentId: string, input: OpenSessionDto, origin: SessionAuditOrigin = {}, options: { sessionId?: string; liveStream?: LiveStreamKind } = {}): Promise<OpenResult> {
    const now = this.clock.now();
    if (options.sessionId !== undefined && !UUID_V7.test(options.sessionId)) throw new RangeError('a caller-chosen session id must be a uuid v7');
    const startDate = input.startDate ? Date.parse(input.startDate) : now;
    if (startDate > now + MAX_FUTURE_SKEW_MS) throw new BadRequestException('startDate must not be in the future');

    const sessionId = options.sessionId ?? uuidv7(now);
    const session = newOpenSession(sessionId, agentId, input, startDate, now, options.liveStream ?? null);
    const fast = this.uow.isPostgres ? await this.openBatches.run({ session, origin, now }) : null;
    const result = fast ?? (await this.uow.run(async (m): Promise<OpenResult> => {
      const claimed = await this.claimKey(m, agentId, input.externalId, sessionId, now);
      if (claimed !== sessionId) {
        const existing = await this.findAnywhere(m, claimed);
        if (existing) return { session: existing, created: false };
        // The key outlived its session (retention purged the entry): it now names the new one.
        await this.uow.sql.run(m, 'UPDATE session_keys SET session_id = ?, created_at = ? WHERE agent_id = ? AND external_id = ?', [
          sessionId,
          now,
          agentId,
          input.externalId,
        ]);
      }
      // the session and its audit record: one round trip on PostgreSQL
      await this.uow.sql.runAll(m, [
        { sql: INSERT_OPEN_SESSION, params: openSessionParams(session) },
        ...this.outbox.statementsWithin(m, startRecord(session, origin)).statements,
      ]);
      return { session: toSessionView(session), created: true };
    }));
    if (result.created) {
      this.events.emit(SessionEvents.opened, { session: result.session as SessionView } satisfies SessionOpenedEvent);
    }
    return result;
  }

  async heartbeat(agentId: string, sessionId: string): Promise<void> {
    const now = this.clock.now();
    const revived = await this.uow.run(async (m) => {
      const session = await this.lockOpen(m, sessionId);
      if (!session || session.agentId !== agentId) throw new NotFoundException(`session ${sessionId} is not open`);
      const status = statusAfterHeartbeat(session.status);
      await this.uow.sql.run(m, 'UPDATE open_sessions SET last_heartbeat = ?, status = ?, disconnected_at = NULL WHERE id = ?', [
        now,
        status,
        sessionId,
      ]);
      return status !== session.status ? { ...session, status, lastHeartbeat: now, disconnectedAt: null } : null;
    });
    if (revived) this.publishUpdated(revived);
  }

  /**
   * A batch of heartbeats (the /agents channel's `heartbeat {sessionIds}`) in one transaction:
   * one locking read and one update per status, per slice of ids, instead of a transaction per
   * id. Returns the ids that are not open sessions of this agent (nothing is written for them).
   */
  async heartbeatMany(agentId: string, sessionIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(sessionIds)];
    if (ids.length === 0) return [];
    const now = this.clock.now();
    const { found, revived } = await this.uow.run(async (m) => {
      const open = new Set<string>();
      const changed: OpenSessionEntity[] = [];
      for (let i = 0; i < ids.length; i += HEARTBEAT_SLICE) {
        const slice = ids.slice(i, i + HEARTBEAT_SLICE);
        const marks = slice.map(() => '?').join(', ');
        // ORDER BY id: concurrent batches lock shared rows in the same order (no deadlock on PostgreSQL)
        const lock = this.uow.isPostgres ? ' ORDER BY id FOR UPDATE' : '';
        const rows = await this.uow.sql.rows<Record<string, unknown>>(m, `${SELECT_OPEN_SESSION} WHERE agent_id = ? AND id IN (${marks})${lock}`, [
          agentId,
          ...slice,
        ]);
        const byStatus = new Map<string, string[]>();
        for (const session of rows.map(toOpenSession)) {
          open.add(session.id);
          const status = statusAfterHeartbeat(session.status);
          const same = byStatus.get(status);
          if (same) same.push(session.id);
          else byStatus.set(status, [session.id]);
          if (status !== session.status) changed.push({ ...session, status, lastHeartbeat: now, disconnectedAt: null });
        }
        for (const [status, owned] of byStatus) {
          await this.uow.sql.run(m, `UPDATE open_sessions SET last_heartbeat = ?, status = ?, disconnected_at = NULL WHERE id IN (${owned.map(() => '?').join(', ')})`, [
            now,
            status,
            ...owned,
          ]);
        }
      }
      return { found: open, revived: changed };
    });
    for (const session of revived) this.publishUpdated(session);
    return ids.filter((id) => !found.has(id));
  }

  /** Marks a silent session Disconnected; false if it changed meanwhile (a heartbeat won the race). */
  async markDisconnected(sessionId: string, observedHeartbeat: number): Promise<boolean> {
    const now = this.clock.now();
    const updated = await this.uow.run(async (m) => {
      const session = await this.lockOpen(m, sessionId);
      if (!session || session.lastHeartbeat !== observedHeartbeat || session.status === 'Disconnected') return null;
      await m.update(OpenSessionEntity, { id: sessionId }, { status: 'Disconnected', disconnectedAt: now });
      return { ...session, status: 'Disconnected' as const, disconnectedAt: now };
    });
    if (updated) this.publishUpdated(updated);
    return updated !== null;
  }

  /**
   * Moves the session into the access log in one transaction: insert the entry, delete the open
   * row. Ending an already-ended session returns its existing entry.
   */
  async end(sessionId: string, request: EndRequest): Promise<EndResult> {
    const now = this.clock.now();
    let fast: EndResult | null = null;
    if (this.uow.isPostgres && request.onlyIfLastHeartbeat === undefined) {
      const outcome = await this.endBatches.run({ sessionId, request, now });
      if (outcome && 'refused' in outcome) throw outcome.refused;
      fast = outcome;
    }
    const result = fast ?? (await this.uow.run(async (m): Promise<EndResult> => {
      const session = await this.lockOpen(m, sessionId);
      if (!session || (request.agentId !== undefined && session.agentId !== request.agentId)) {
        const entry = await this.accessLog.findWithin(m, this.uow.sql, sessionId);
        if (entry && (request.agentId === undefined || entry.agentId === request.agentId)) {
          return { entry: toAccessLogView(entry), alreadyEnded: true };
        }
        throw new NotFoundException(`session ${sessionId} not found`);
      }
      if (request.onlyIfLastHeartbeat !== undefined && session.lastHeartbeat !== request.onlyIfLastHeartbeat) {
        throw new SessionRevivedError(`session ${sessionId} sent a heartbeat meanwhile`);
      }
      const entry = accessLogEntryFor(session, request, now);
      // entry in, open row out, audit record: one round trip on PostgreSQL (three distinct tables)
      await this.uow.sql.runAll(m, [
        this.accessLog.appendStatement(entry),
        { sql: 'DELETE FROM open_sessions WHERE id = ?', params: [sessionId] },
        ...this.outbox.statementsWithin(m, endRecord(entry, request)).statements,
      ]);
      return { entry: toAccessLogView(entry), alreadyEnded: false };
    }));
    if (!result.alreadyEnded) {
      this.events.emit(SessionEvents.ended, { entry: result.entry, message: request.message } satisfies SessionEndedEvent);
    }
    return result;
  }

  /**
   * PostgreSQL, the usual opens (new externalIds) of a batch in one statement and no explicit
   * transaction: it claims the keys and inserts the sessions and their audit records only for the
   * keys it claimed (atomic as any statement; one commit for the batch). null for an item whose
   * key was taken: the transaction in `open` then finds whose it is. If the statement fails, no
   * item of the batch was written: each goes the transaction's way, which reports its own error.
   */
  private async openMany(items: OpenItem[]): Promise<(OpenResult | null)[]> {
    let claimed: Set<string>;
    try {
      // keys in one order for every batch: two batches never wait for each other's keys crosswise
      const sorted = [...items].sort((a, b) => compareKeys(a.session, b.session));
      claimed = await this.uow.runStatement(async (m) => {
        const keys = insertRowsSql({ sql: INSERT_SESSION_KEY, rows: sorted.map(({ session, now }) => [session.agentId, session.externalId, session.id, now]) });
        const audit = this.outbox.rowsWithin(
          m,
          sorted.map(({ session, origin }) => startRecord(session, origin)),
        );
        const rows = await this.uow.sql.rowsIfMany<{ session_id: string }>(
          m,
          { sql: `${keys.sql} ON CONFLICT DO NOTHING RETURNING session_id`, params: keys.params },
          'session_id',
          [
            { sql: INSERT_OPEN_SESSION, rows: sorted.map(({ session }) => openSessionParams(session)), match: 'id' },
            { ...audit.insert, match: 'session_id' },
          ],
        );
        return new Set(rows.map((r) => r.session_id));
      });
    } catch (error) {
      this.logger.warn(`a batch of ${items.length} opens failed, each goes its own way: ${(error as Error).message}`);
      return items.map(() => null);
    }
    return items.map(({ session }) => (claimed.has(session.id) ? { session: toSessionView(session), created: true } : null));
  }

  /**
   * PostgreSQL, the usual ends of a batch in two round trips and no explicit transaction: read
   * the open rows, then one statement deletes them and, for each row it did delete, inserts the
   * access-log entry and the audit record. What a concurrent heartbeat may change meanwhile
   * (status, lastHeartbeat) is not in the entry. null for an item with nothing to end here (not
   * open, another agent's, ended meanwhile, twice in one batch): the locking transaction in `end`
   * then answers; an impossible end date is refused for that item alone.
   */
  private async endMany(items: EndItem[]): Promise<EndOutcome[]> {
    const outcomes: EndOutcome[] = items.map(() => null);
    try {
      await this.uow.runStatement(async (m) => {
        const ids = [...new Set(items.map((i) => i.sessionId))].sort();
        const rows = await this.uow.sql.rows<Record<string, unknown>>(m, `${SELECT_OPEN_SESSION} WHERE id = ANY(?::varchar[])`, [ids]);
        const open = new Map(rows.map((row) => [row.id as string, toOpenSession(row)]));
        const ending: { index: number; entry: AccessLogEntryEntity }[] = [];
        const taken = new Set<string>();
        items.forEach(({ sessionId, request, now }, index) => {
          const session = open.get(sessionId);
          if (!session || taken.has(sessionId) || (request.agentId !== undefined && session.agentId !== request.agentId)) return;
          try {
            ending.push({ index, entry: accessLogEntryFor(session, request, now) });
            taken.add(sessionId);
          } catch (error) {
            outcomes[index] = { refused: error };
          }
        });
        if (ending.length === 0) return;
        const audit = this.outbox.rowsWithin(
          m,
          ending.map(({ index, entry }) => endRecord(entry, items[index].request)),
        );
        const deleted = await this.uow.sql.rowsIfMany<{ id: string }>(
          m,
          { sql: 'DELETE FROM open_sessions WHERE id = ANY(?::varchar[]) RETURNING id', params: [ending.map(({ entry }) => entry.id)] },
          'id',
          [
            { sql: this.accessLog.appendStatement(ending[0].entry).sql, rows: ending.map(({ entry }) => this.accessLog.appendStatement(entry).params), match: 'id' },
            { ...audit.insert, match: 'session_id' },
          ],
        );
        const gone = new Set(deleted.map((r) => r.id));
        for (const { index, entry } of ending) if (gone.has(entry.id)) outcomes[index] = { entry: toAccessLogView(entry), alreadyEnded: false };
      });
    } catch (error) {
      // nothing of the batch was written (one statement); refusals stand, the rest go the transaction's way
      this.logger.warn(`a batch of ${items.length} ends failed, each goes its own way: ${(error as Error).message}`);
      return outcomes.map((o) => (o && 'refused' in o ? o : null));
    }
    return outcomes;
  }

  /**
   * Claims (agent, externalId) for a new session id and returns the id that owns it: the new one,
   * or the one an earlier call claimed. The key row outlives the session, so a replayed open after
   * the end still finds the original.
   */
  private async claimKey(m: EntityManager, agentId: string, externalId: string, sessionId: string, now: number): Promise<string> {
    if (this.uow.isPostgres) {
      // ON CONFLICT waits for a concurrent claimant to commit, then yields to it.
      const inserted: { session_id: string }[] = await m.query(
        'INSERT INTO session_keys (agent_id, external_id, session_id, created_at) VALUES ($1, $2, $3, $4) ' +
          'ON CONFLICT DO NOTHING RETURNING session_id',
        [agentId, externalId, sessionId, now],
      );
      if (inserted.length === 1) return sessionId;
    } else {
      // SQLite transactions are serialised (the UnitOfWork begins IMMEDIATE): check-then-insert cannot race.
      const [existing] = await this.findKey(m, agentId, externalId);
      if (existing) return existing.session_id;
      await this.uow.sql.run(m, 'INSERT INTO session_keys (agent_id, external_id, session_id, created_at) VALUES (?, ?, ?, ?)', [
        agentId,
        externalId,
        sessionId,
        now,
      ]);
      return sessionId;
    }
    return (await this.findKey(m, agentId, externalId))[0].session_id;
  }

  private findKey(m: EntityManager, agentId: string, externalId: string): Promise<{ session_id: string }[]> {
    return this.uow.sql.rows(m, 'SELECT session_id FROM session_keys WHERE agent_id = ? AND external_id = ?', [agentId, externalId]);
  }

  private async findAnywhere(m: EntityManager, sessionId: string): Promise<SessionView | AccessLogView | null> {
    const [open] = await this.uow.sql.rows<Record<string, unknown>>(m, `${SELECT_OPEN_SESSION} WHERE id = ?`, [sessionId]);
    if (open) return toSessionView(toOpenSession(open));
    const entry = await this.accessLog.findWithin(m, this.uow.sql, sessionId);
    return entry ? toAccessLogView(entry) : null;
  }

  /** The open session, locked for the rest of the transaction on PostgreSQL (SQLite serialises writers). */
  private async lockOpen(m: EntityManager, sessionId: string): Promise<OpenSessionEntity | null> {
    const lock = this.uow.isPostgres ? ' FOR UPDATE' : '';
    const [row] = await this.uow.sql.rows<Record<string, unknown>>(m, `${SELECT_OPEN_SESSION} WHERE id = ?${lock}`, [sessionId]);
    return row ? toOpenSession(row) : null;
  }

  private publishUpdated(session: OpenSessionEntity): void {
    this.events.emit(SessionEvents.updated, { session: toSessionView(session) } satisfies SessionUpdatedEvent);
  }
}

function compareKeys(a: OpenSessionEntity, b: OpenSessionEntity): number {
  if (a.agentId !== b.agentId) return a.agentId < b.agentId ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

function newOpenSession(id: string, agentId: string, input: OpenSessionDto, startDate: number, now: number, liveStream: LiveStreamKind | null): OpenSessionEntity {
  return Object.assign(new OpenSessionEntity(), {
    id,
    agentId,
    externalId: input.externalId,
    type: input.type,
    status: 'Connected' as const,
    user: input.user,
    device: input.device,
    client: input.client,
    port: input.port ?? null,
    serviceUrl: input.serviceUrl ?? null,
    accountName: input.accountName ?? null,
    serviceProvider: input.serviceProvider ?? null,
    owner: input.owner,
    startDate,
    lastHeartbeat: now,
    disconnectedAt: null,
    liveStream,
  });
}

/** The access-log entry an end makes of the open session; refuses impossible end dates. */
function accessLogEntryFor(session: OpenSessionEntity, request: EndRequest, now: number): AccessLogEntryEntity {
  const endDate = request.endDate ?? now;
  if (endDate > now + MAX_FUTURE_SKEW_MS) throw new BadRequestException('endDate must not be in the future');
  if (endDate < session.startDate) throw new BadRequestException("endDate must not be before the session's startDate");
  const { lastHeartbeat: _lastHeartbeat, disconnectedAt: _disconnectedAt, ...attributes } = session;
  return Object.assign(new AccessLogEntryEntity(), {
    ...attributes,
    status: request.reason === 'failed' ? ('Failed' as const) : ('Terminated' as const),
    endDate,
    durationSeconds: Math.round((endDate - session.startDate) / 1000),
    endReason: request.reason,
    endedBy: request.endedBy ?? null,
    endMessage: request.message?.slice(0, 500) ?? null,
    recordingPath: null,
    recordingSha256: null,
  });
}

/** `session.start`: by the agent that reported it, unless the origin names someone else. */
function startRecord(session: OpenSessionEntity, origin: SessionAuditOrigin): AuditEntry {
  return {
    action: 'session.start',
    actor: origin.actor ?? `agent:${session.agentId}`,
    sessionId: session.id,
    ...(origin.context ? { context: origin.context } : {}),
    requestParameters: {
      externalId: session.externalId,
      type: session.type,
      user: session.user,
      device: session.device,
      client: session.client,
      owner: session.owner,
      ...(session.serviceProvider ? { target: session.serviceProvider } : {}),
    },
    responseElements: { sessionId: session.id, status: session.status, startDate: new Date(session.startDate).toISOString() },
  };
}

/**
 * `session.terminate` when someone ended it (`endedBy`: a user, or `vigil` itself), otherwise
 * `session.end` by its agent (or the origin's actor: the timeout sweep is `system`).
 */
function endRecord(entry: AccessLogEntryEntity, request: EndRequest): AuditEntry {
  const terminated = entry.endReason === 'terminated' && entry.endedBy !== null;
  const byVigil = entry.endedBy === 'vigil';
  const actor = request.audit?.actor ?? (terminated ? (byVigil ? 'system' : `user:${entry.endedBy}`) : `agent:${entry.agentId}`);
  return {
    action: terminated ? 'session.terminate' : 'session.end',
    actor,
    sessionId: entry.id,
    ...(request.audit?.context ? { context: request.audit.context } : {}),
    requestParameters: {
      sessionId: entry.id,
      reason: entry.endReason,
      ...(entry.endMessage ? { message: entry.endMessage } : {}),
      ...(request.endDate !== undefined ? { endDate: new Date(request.endDate).toISOString() } : {}),
    },
    responseElements: {
      sessionId: entry.id,
      status: entry.status,
      endDate: new Date(entry.endDate).toISOString(),
      durationSeconds: entry.durationSeconds,
      ...(entry.endedBy ? { endedBy: entry.endedBy } : {}),
      // what the session was, so a reader (or an event rule) needs no second lookup
      type: entry.type,
      user: entry.user,
      device: entry.device,
      client: entry.client,
      owner: entry.owner,
      ...(entry.serviceProvider ? { target: entry.serviceProvider } : {}),
    },
  };
}
