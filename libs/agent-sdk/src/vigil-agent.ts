import { Backoff, BackoffOptions } from './backoff';
import { Clock, systemClock } from './clock';
import { DiskQueue, QueueItem, QueuedOp } from './disk-queue';
import { UnknownSessionError } from './errors';
import { HttpTransport, TlsOptions } from './http-transport';
import { AgentTransport, EndBody, OpenRequest, OpenedSession, TransportError, unknownSessionIdsOf } from './transport';

export interface VigilAgentOptions {
  /** the folder of the on-disk queue (created 0700) */
  queueDir: string;
  /** a transport of your own (e.g. socket.io); else an HttpTransport from url + token */
  transport?: AgentTransport;
  url?: string;
  token?: string;
  tls?: TlsOptions;
  /** per HTTP request. Default 10 s. */
  requestTimeoutMs?: number;
  /** pending items at most (QueueFullError beyond). Default 10,000. */
  maxQueueItems?: number;
  /** automatic heartbeats of open sessions once started. Default 30 s; keep it under the gateway's VIGIL_HEARTBEAT_TIMEOUT_MS. */
  heartbeatIntervalMs?: number;
  /** heartbeat ids per transport call. Default 1,000. */
  heartbeatBatch?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  /** what happened, for the program's own log (no secrets are ever passed) */
  onEvent?: (event: AgentEvent) => void;
}

export type AgentEvent =
  | { type: 'sent'; op: QueuedOp['kind']; externalId: string; sessionId: string }
  | { type: 'dropped'; op: QueuedOp['kind']; externalId: string; reason: string }
  | { type: 'retry'; inMs: number; attempt: number; error: string }
  | { type: 'heartbeat-failed'; error: string }
  /** a local failure (the queue folder unwritable, its lock held too long) */
  | { type: 'error'; error: string };

/** How an open/end went: sent now, or kept in the queue for later (gateway unreachable). */
export type OpenResult = { state: 'sent'; session: OpenedSession } | { state: 'queued'; externalId: string; error: string };
export type EndResult = { state: 'sent'; sessionId: string } | { state: 'queued'; externalId: string; error: string };

export interface FlushResult {
  sent: number;
  dropped: number;
  remaining: number;
  /** why the flush stopped with items left */
  error?: TransportError;
}

export interface AgentStatus {
  queueDir: string;
  pending: number;
  oldestPendingAt: string | null;
  openSessions: number;
  corruptLines: number;
  maxQueueItems: number;
}

type Outcome = { state: 'sent'; sessionId: string; session?: OpenedSession } | { state: 'queued'; error: string } | { state: 'refused'; error: TransportError };

/**
 * Reports sessions to Vigil. Every open and end is first written to the on-disk queue (fsync'd),
 * then sent; the queue is drained in order, so nothing is lost while the gateway is down, and a
 * replay after a crash of either side is harmless: the gateway answers a repeated externalId with
 * the session it already has, and a repeated end with the same access-log entry.
 *
 * One-shot use (a CLI call): `open`/`end`/`flush`, then `close`. Long-running use: `start()` adds
 * automatic heartbeats of every session the queue knows open and retries with backoff + jitter.
 */
export class VigilAgent {
  readonly queue: DiskQueue;
  private readonly transport: AgentTransport;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatBatch: number;
  private readonly onEvent: (event: AgentEvent) => void;
  private readonly waiters = new Map<string, (outcome: Outcome) => void>();
  private running?: Promise<FlushResult>;
  private again?: Promise<FlushResult>;
  private started = false;
  private attempt = 0;
  private retryTimer?: unknown;
  private heartbeatTimer?: unknown;

  constructor(options: VigilAgentOptions) {
    this.clock = options.clock ?? systemClock;
    this.queue = new DiskQueue(options.queueDir, { maxItems: options.maxQueueItems, now: () => this.clock.now() });
    if (options.transport) this.transport = options.transport;
    else {
      if (!options.url || !options.token) throw new TypeError('VigilAgent needs a transport, or url and token');
      this.transport = new HttpTransport({ url: options.url, token: options.token, tls: options.tls, timeoutMs: options.requestTimeoutMs });
    }
    this.backoff = new Backoff(options.backoff);
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
    this.heartbeatBatch = options.heartbeatBatch ?? 1_000;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** Queues and sends an open. Throws QueueFullError, or TransportError when the gateway refused it. */
  async open(request: OpenRequest): Promise<OpenResult> {
    // The start is fixed now, not when a replay finally delivers it.
    const outcome = await this.submit({ kind: 'open', request: { ...request, startDate: request.startDate ?? new Date(this.clock.now()).toISOString() } });
    if (outcome.state === 'refused') throw outcome.error;
    if (outcome.state === 'queued') return { state: 'queued', externalId: request.externalId, error: outcome.error };
    return { state: 'sent', session: outcome.session ?? { id: outcome.sessionId, externalId: request.externalId, status: '' } };
  }

  /**
   * Ends the session opened with `externalId`, even if that open is still queued. Throws
   * UnknownSessionError when the queue knows no such session, or TransportError when refused.
   */
  async end(externalId: string, body: EndBody = {}): Promise<EndResult> {
    const state = this.queue.state();
    const sessionId = state.sessions.get(externalId);
    const openQueued = state.pending.some((i) => i.op.kind === 'open' && i.op.request.externalId === externalId);
    if (!sessionId && !openQueued) throw new UnknownSessionError(externalId);
    const outcome = await this.submit({ kind: 'end', externalId, sessionId, body: { ...body, endDate: body.endDate ?? new Date(this.clock.now()).toISOString() } });
    if (outcome.state === 'refused') throw outcome.error;
    if (outcome.state === 'queued') return { state: 'queued', externalId, error: outcome.error };
    return { state: 'sent', sessionId: outcome.sessionId };
  }

  /** Ends a session by its Vigil id (one the queue may not know), through the queue all the same. */
  async endById(sessionId: string, body: EndBody = {}, externalId = sessionId): Promise<EndResult> {
    const outcome = await this.submit({ kind: 'end', externalId, sessionId, body: { ...body, endDate: body.endDate ?? new Date(this.clock.now()).toISOString() } });
    if (outcome.state === 'refused') throw outcome.error;
    if (outcome.state === 'queued') return { state: 'queued', externalId, error: outcome.error };
    return { state: 'sent', sessionId };
  }

  /** One heartbeat for the given sessions (externalIds), or for every session the queue knows open. */
  async heartbeat(externalIds?: string[]): Promise<string[]> {
    const sessions = this.queue.state().sessions;
    const ids: string[] = [];
    for (const externalId of externalIds ?? [...sessions.keys()]) {
      const id = sessions.get(externalId);
      if (!id) throw new UnknownSessionError(externalId);
      ids.push(id);
    }
    await this.heartbeatIds(ids, sessions);
    return ids;
  }

  /**
   * Heartbeats by Vigil session id, in batches. Sessions the gateway no longer has open are
   * forgotten (no more heartbeats for them) and reported by the error thrown at the end.
   */
  async heartbeatIds(sessionIds: string[], known = this.queue.state().sessions): Promise<void> {
    let unknownError: TransportError | undefined;
    for (let i = 0; i < sessionIds.length; i += this.heartbeatBatch) {
      try {
        await this.transport.heartbeat(sessionIds.slice(i, i + this.heartbeatBatch));
      } catch (error) {
        const unknown = unknownSessionIdsOf(error);
        if (!unknown) throw error;
        unknownError = error as TransportError;
        const gone = new Set(unknown);
        for (const [externalId, id] of known) if (gone.has(id)) this.queue.forget(externalId);
      }
    }
    if (unknownError) throw unknownError;
  }

  /** Drains the queue in order; stops at the first retryable failure. Concurrent calls coalesce. */
  flush(): Promise<FlushResult> {
    if (!this.running) {
      this.running = this.drain().finally(() => (this.running = undefined));
      return this.running;
    }
    // Items queued during a drain may be behind its snapshot: one more drain after it picks them up.
    this.again ??= this.running.then(() => {
      this.again = undefined;
      return this.flush();
    });
    return this.again;
  }

  status(): AgentStatus {
    const state = this.queue.state();
    const oldest = state.pending[0]?.at;
    return {
      queueDir: this.queue.dir,
      pending: state.pending.length,
      oldestPendingAt: oldest === undefined ? null : new Date(oldest).toISOString(),
      openSessions: state.sessions.size,
      corruptLines: state.corruptLines,
      maxQueueItems: this.queue.maxItems,
    };
  }

  /** Automatic heartbeats and retries, until close(). Replays what a previous run left queued. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.kick();
    this.scheduleHeartbeat();
  }

  async close(): Promise<void> {
    this.started = false;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
    this.retryTimer = this.heartbeatTimer = undefined;
    await this.running?.catch(() => undefined);
    await this.transport.close();
  }

  private async submit(op: QueuedOp): Promise<Outcome> {
    const item = this.queue.enqueue(op);
    const outcome = new Promise<Outcome>((resolve) => this.waiters.set(item.id, resolve));
    await this.flush();
    // A drain settles every waiter it reaches; one still unsettled is behind a failure.
    this.settle(item.id, { state: 'queued', error: 'gateway unreachable' });
    return outcome;
  }

  private settle(id: string, outcome: Outcome): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter(outcome);
  }

  private async drain(): Promise<FlushResult> {
    let sent = 0;
    let dropped = 0;
    for (;;) {
      const state = this.queue.state();
      if (state.pending.length === 0) {
        this.attempt = 0;
        return { sent, dropped, remaining: 0 };
      }
      for (const item of state.pending) {
        try {
          const result = await this.send(item);
          sent++;
          this.settle(item.id, { state: 'sent', ...result });
        } catch (caught) {
          const error = caught instanceof TransportError ? caught : new TransportError(String((caught as Error)?.message ?? caught), true);
          if (error.retryable || error.status === 401 || error.status === 403) {
            // Keep order: nothing behind a failed item goes first. A refused token is the agent's
            // configuration, not the item's fault: keep the queue for when it is fixed.
            const remaining = this.queue.state().pending.length;
            for (const waiting of this.queue.state().pending) {
              this.settle(waiting.id, error.retryable ? { state: 'queued', error: error.message } : { state: 'refused', error });
            }
            this.scheduleRetry(error);
            return { sent, dropped, remaining, error };
          }
          this.queue.drop(item, error.message);
          dropped++;
          const externalId = item.op.kind === 'open' ? item.op.request.externalId : item.op.externalId;
          // 404 on an end: the gateway no longer has that session; stop heartbeating it.
          if (item.op.kind === 'end') this.queue.forget(externalId);
          this.onEvent({ type: 'dropped', op: item.op.kind, externalId, reason: error.message });
          this.settle(item.id, { state: 'refused', error });
        }
      }
    }
  }

  private async send(item: QueueItem): Promise<{ sessionId: string; session?: OpenedSession }> {
    const op = item.op;
    if (op.kind === 'open') {
      const session = await this.transport.open(op.request);
      this.queue.complete(item, session.id);
      this.onEvent({ type: 'sent', op: 'open', externalId: op.request.externalId, sessionId: session.id });
      return { sessionId: session.id, session };
    }
    // Queued behind its own open: the open's result, replayed just before, names the session.
    const sessionId = op.sessionId ?? this.queue.sessionIdOf(op.externalId);
    if (!sessionId) throw new TransportError(`no session for externalId ${op.externalId}: its open was refused`, false, 404);
    await this.transport.end(sessionId, op.body);
    this.queue.complete(item);
    this.onEvent({ type: 'sent', op: 'end', externalId: op.externalId, sessionId });
    return { sessionId };
  }

  /** A background flush: a local failure (disk, lock) is reported and retried, never unhandled. */
  private kick(): void {
    this.flush().catch((error: Error) => {
      this.onEvent({ type: 'error', error: error.message });
      this.scheduleRetry(new TransportError(error.message, true));
    });
  }

  private scheduleRetry(error: TransportError): void {
    if (!this.started || this.retryTimer !== undefined) return;
    const inMs = this.backoff.delay(this.attempt);
    this.onEvent({ type: 'retry', inMs, attempt: this.attempt, error: error.message });
    this.attempt++;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, inMs);
  }

  private scheduleHeartbeat(): void {
    if (!this.started || this.heartbeatIntervalMs <= 0) return;
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = undefined;
      void this.heartbeatTick().finally(() => this.scheduleHeartbeat());
    }, this.heartbeatIntervalMs);
  }

  private async heartbeatTick(): Promise<void> {
    try {
      await this.heartbeat();
    } catch (error) {
      this.onEvent({ type: 'heartbeat-failed', error: (error as Error).message });
    }
    try {
      // Opens and ends queued by other processes sharing the folder (PAM hooks) go out too.
      if (this.retryTimer === undefined && this.queue.pendingCount() > 0) this.kick();
    } catch (error) {
      this.onEvent({ type: 'error', error: (error as Error).message });
    }
  }

}
