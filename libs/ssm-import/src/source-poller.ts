import type { Clock } from '@vigil/common';
import { AwsSession, importedEnd, registryInput } from './aws-session';
import { Backoff } from './backoff';
import type { ImportRegistry, ImportStore, MirrorRow } from './import-ports';
import { MirrorState, PollStep, historyFrom, planPoll } from './poll-plan';
import type { SessionLister } from './session-lister';

/** What a poller needs to know of its source. */
export interface PolledSource {
  id: string;
  name: string;
  region: string;
  /** the source's internal agent: the registry's (agent, externalId) key makes imports idempotent */
  agentId: string;
  pollIntervalSeconds: number;
}

/** Timers, injected so specs drive the loop without waiting. */
export interface Scheduler {
  schedule(task: () => void, delayMs: number): () => void;
}

export const systemScheduler: Scheduler = {
  schedule(task, delayMs) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** The registry refused one session (e.g. a date it cannot take): counted, skipped, not a failed poll. */
export class RejectedSessionError extends Error {}

class StoppedError extends Error {}

/** No wait between failed polls grows beyond this. */
export const MAX_BACKOFF_MS = 15 * 60_000;

export interface PollerDeps {
  lister: SessionLister;
  registry: ImportRegistry;
  store: ImportStore;
  clock: Clock;
  scheduler: Scheduler;
  /** this gateway's name in the lease */
  holder: string;
  random?: () => number;
  onError?: (message: string) => void;
}

/**
 * Polls one source: Active, then History (both to the last page), then applies the plan to the
 * registry, then records the poll's health. One poll at a time per source; across gateways the
 * source's lease (in the database) lets one of them poll it, the others only take over when it
 * lapses. Failures back off (Backoff); a success polls again one interval later.
 */
export class SourcePoller {
  private readonly backoff: Backoff;
  private cancel: (() => void) | null = null;
  private inFlight: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    readonly source: PolledSource,
    private readonly deps: PollerDeps,
  ) {
    this.backoff = new Backoff({ intervalMs: this.intervalMs, maxMs: Math.max(MAX_BACKOFF_MS, this.intervalMs) }, deps.clock, deps.random);
  }

  private get intervalMs(): number {
    return this.source.pollIntervalSeconds * 1000;
  }

  start(): void {
    this.plan(0);
  }

  /** Stops the loop: waits for a poll under way to stop at its next step, then gives up the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.inFlight?.catch(() => undefined);
    this.deps.lister.close();
    await this.deps.store.releaseLease(this.source.id, this.deps.holder).catch(() => undefined);
  }

  private plan(delayMs: number): void {
    if (this.stopped) return;
    this.cancel = this.deps.scheduler.schedule(() => {
      const poll = this.pollOnce();
      this.inFlight = poll;
      void poll.then((next) => this.plan(next - this.deps.clock.now()));
    }, delayMs);
  }

  /** One poll; resolves with the time of the next. Never rejects. */
  async pollOnce(): Promise<number> {
    const { store, clock, holder } = this.deps;
    const startedAt = clock.now();
    try {
      const ttl = Math.max(5 * 60_000, 3 * this.intervalMs);
      if (!(await store.acquireLease(this.source.id, holder, startedAt, ttl))) return startedAt + this.intervalMs;
      const counts = await this.pollAndApply();
      const nextPollAt = this.backoff.succeeded();
      await store.recordSuccess(this.source.id, { startedAt, finishedAt: clock.now(), nextPollAt, ...counts });
      return nextPollAt;
    } catch (error) {
      if (error instanceof StoppedError) return clock.now();
      const nextPollAt = this.backoff.failed();
      const message = describeError(error);
      this.deps.onError?.(`source ${this.source.name}: ${message} (failure ${this.backoff.consecutiveFailures}, next poll in ${Math.round((nextPollAt - clock.now()) / 1000)} s)`);
      await store
        .recordFailure(this.source.id, { startedAt, error: message, consecutiveFailures: this.backoff.consecutiveFailures, nextPollAt })
        .catch((e: Error) => this.deps.onError?.(`source ${this.source.name}: health not recorded: ${e.message}`));
      return nextPollAt;
    }
  }

  private async pollAndApply() {
    const { lister, store } = this.deps;
    const sourceId = this.source.id;
    const lastSuccess = await store.lastSuccessStartedAt(sourceId);
    const active = await lister.list('Active');
    this.checkStopped();
    const openMirrors = await store.openMirrors(sourceId);
    const from = historyFrom(lastSuccess, [...openMirrors.map((m) => m.startDate), ...active.sessions.map((s) => s.startDate)]);
    const history = await lister.list('History', from);
    this.checkStopped();
    const ids = [...new Set([...active.sessions, ...history.sessions].map((s) => s.id))];
    const known = await store.mirrorsOf(sourceId, ids);
    const plan = planPoll(active.sessions, history.sessions, known, openMirrors);
    const counts = { imported: 0, ended: 0, rejected: active.rejected + history.rejected };
    const touched: string[] = [];
    const gone: string[] = [];
    for (const step of plan.steps) {
      this.checkStopped();
      try {
        await this.apply(step, counts, touched, gone);
      } catch (error) {
        if (!(error instanceof RejectedSessionError)) throw error;
        counts.rejected++;
        this.deps.onError?.(`source ${this.source.name}: session ${step.session.id} not imported: ${error.message}`);
      }
    }
    // Sessions AWS no longer lists: those Vigil has ended meanwhile are done with.
    if (plan.unseen.length > 0) {
      const open = await this.deps.registry.stillOpen(plan.unseen.map((m) => m.sessionId));
      gone.push(...plan.unseen.filter((m) => !open.has(m.sessionId)).map((m) => m.awsSessionId));
    }
    await store.touch(sourceId, touched, this.deps.clock.now());
    await store.markEnded(sourceId, gone);
    return { active: active.sessions.length, history: history.sessions.length, ...counts };
  }

  private async apply(step: PollStep, counts: { imported: number; ended: number }, touched: string[], gone: string[]): Promise<void> {
    const { registry } = this.deps;
    const agentId = this.source.agentId;
    const session = step.session;
    if (step.kind === 'heartbeat' || step.kind === 'disconnect') {
      const result = step.kind === 'heartbeat' ? await registry.heartbeat(agentId, step.mirror.sessionId) : await registry.disconnect(step.mirror.sessionId);
      if (result === 'gone') gone.push(session.id);
      else if (step.mirror.awsStatus !== session.status) await this.save(session, step.mirror, false);
      else touched.push(session.id);
      return;
    }
    let mirror: MirrorState | null = step.kind === 'end' ? step.mirror : null;
    if (!mirror) {
      const registered = await registry.open(agentId, registryInput(session, this.source, this.deps.clock.now()));
      if (registered.created) counts.imported++;
      mirror = { awsSessionId: session.id, sessionId: registered.sessionId, startDate: registered.startDate, ended: registered.ended, awsStatus: session.status };
      if (registered.ended) return this.save(session, mirror, true);
      if (step.kind === 'open') {
        // registered before (the importer stopped before noting it): it is alive all the same
        if (!registered.created) await registry.heartbeat(agentId, registered.sessionId);
        if (session.status === 'Disconnected') await registry.disconnect(registered.sessionId);
        return this.save(session, mirror, false);
      }
    }
    const result = await registry.end(agentId, mirror.sessionId, importedEnd(session, mirror.startDate, this.deps.clock.now()));
    if (result === 'ended') counts.ended++;
    await this.save(session, mirror, true);
  }

  private save(session: AwsSession, mirror: MirrorState, ended: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const row: MirrorRow = {
      ...mirror,
      ended,
      target: session.target,
      ownerArn: session.owner ?? null,
      documentName: session.documentName ?? null,
      reason: session.reason ?? null,
      awsStatus: session.status,
      endDate: session.endDate ?? null,
      firstSeenAt: now,
      lastSeenAt: now,
    };
    return this.deps.store.saveMirror(this.source.id, row);
  }

  private checkStopped(): void {
    if (this.stopped) throw new StoppedError();
  }
}

/** An error as health shows it: the AWS error name and message, bounded; never a request or a credential. */
export function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  const text = `${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`;
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 500);
}
