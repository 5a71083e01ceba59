import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
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
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { OpenSessionDto } from './dto/open-session.dto';
import { OpenSessionEntity } from './entities/open-session.entity';
import { INSERT_OPEN_SESSION, SELECT_OPEN_SESSION, openSessionParams, toOpenSession } from './open-session-sql';
import { statusAfterHeartbeat } from './session-lifecycle';
import { toSessionView } from './session-view';

/** Agents' clocks drift; a start or end date this far in the future is a bug, not a clock skew. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

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

@Injectable()
export class SessionsService {
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

    const result = await this.uow.run(async (m): Promise<OpenResult> => {
      const sessionId = options.sessionId ?? uuidv7(now);
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
      const session = m.create(OpenSessionEntity, {
        id: sessionId,
        agentId,
        externalId: input.externalId,
        type: input.type,
        status: 'Connected',
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
        liveStream: options.liveStream ?? null,
      });
      await this.uow.sql.run(m, INSERT_OPEN_SESSION, openSessionParams(session));
      await this.outbox.appendWithin(m, startRecord(session, origin));
      return { session: toSessionView(session), created: true };
    });
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
    const result = await this.uow.run(async (m): Promise<EndResult> => {
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
      const endDate = request.endDate ?? now;
      if (endDate > now + MAX_FUTURE_SKEW_MS) throw new BadRequestException('endDate must not be in the future');
      if (endDate < session.startDate) throw new BadRequestException("endDate must not be before the session's startDate");
      const { lastHeartbeat: _lastHeartbeat, disconnectedAt: _disconnectedAt, ...attributes } = session;
      const entry = m.create(AccessLogEntryEntity, {
        ...attributes,
        status: request.reason === 'failed' ? 'Failed' : 'Terminated',
        endDate,
        durationSeconds: Math.round((endDate - session.startDate) / 1000),
        endReason: request.reason,
        endedBy: request.endedBy ?? null,
        endMessage: request.message?.slice(0, 500) ?? null,
        recordingPath: null,
        recordingSha256: null,
      });
      await this.accessLog.appendWithin(m, this.uow.sql, entry);
      await this.uow.sql.run(m, 'DELETE FROM open_sessions WHERE id = ?', [sessionId]);
      await this.outbox.appendWithin(m, endRecord(entry, request));
      return { entry: toAccessLogView(entry), alreadyEnded: false };
    });
    if (!result.alreadyEnded) {
      this.events.emit(SessionEvents.ended, { entry: result.entry, message: request.message } satisfies SessionEndedEvent);
    }
    return result;
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
