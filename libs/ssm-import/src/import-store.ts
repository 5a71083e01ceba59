import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { SsmImportStateEntity } from './entities/ssm-import-state.entity';
import { SsmImportedSessionEntity } from './entities/ssm-imported-session.entity';
import type { ImportStore, MirrorRow, PollFailure, PollSuccess } from './import-ports';
import type { MirrorState } from './poll-plan';

/** Ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const toMirror = (row: SsmImportedSessionEntity): MirrorState => ({
  awsSessionId: row.awsSessionId,
  sessionId: row.sessionId,
  ended: row.ended,
  startDate: row.startDate,
  awsStatus: row.awsStatus,
});

/** The importer's tables through TypeORM (same statements on SQLite and PostgreSQL). */
@Injectable()
export class TypeOrmImportStore implements ImportStore {
  constructor(
    @InjectRepository(SsmImportStateEntity) private readonly states: Repository<SsmImportStateEntity>,
    @InjectRepository(SsmImportedSessionEntity) private readonly sessions: Repository<SsmImportedSessionEntity>,
  ) {}

  /** One conditional UPDATE: of gateways racing for a lapsed lease, exactly one changes the row. */
  async acquireLease(sourceId: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const result = await this.states
      .createQueryBuilder()
      .update()
      .set({ leaseHolder: holder, leaseUntil: now + ttlMs, lastPollAt: now })
      .where('source_id = :sourceId AND (lease_holder IS NULL OR lease_holder = :holder OR lease_until IS NULL OR lease_until < :now)', { sourceId, holder, now })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async releaseLease(sourceId: string, holder: string): Promise<void> {
    await this.states.update({ sourceId, leaseHolder: holder }, { leaseHolder: null, leaseUntil: null });
  }

  async lastSuccessStartedAt(sourceId: string): Promise<number | null> {
    return (await this.states.findOneBy({ sourceId }))?.lastSuccessStartedAt ?? null;
  }

  async openMirrors(sourceId: string): Promise<MirrorState[]> {
    return (await this.sessions.findBy({ sourceId, ended: false })).map(toMirror);
  }

  async mirrorsOf(sourceId: string, awsSessionIds: string[]): Promise<Map<string, MirrorState>> {
    const found = new Map<string, MirrorState>();
    for (const ids of chunks(awsSessionIds)) {
      for (const row of await this.sessions.findBy({ sourceId, awsSessionId: In(ids) })) found.set(row.awsSessionId, toMirror(row));
    }
    return found;
  }

  async saveMirror(sourceId: string, row: MirrorRow): Promise<void> {
    const { firstSeenAt, awsSessionId, ...changes } = row;
    // one poller per source (the lease): update-then-insert cannot race with itself
    const updated = await this.sessions.update({ sourceId, awsSessionId }, changes);
    if (!updated.affected) await this.sessions.insert({ ...row, sourceId });
  }

  async touch(sourceId: string, awsSessionIds: string[], at: number): Promise<void> {
    for (const ids of chunks(awsSessionIds)) await this.sessions.update({ sourceId, awsSessionId: In(ids) }, { lastSeenAt: at });
  }

  async markEnded(sourceId: string, awsSessionIds: string[]): Promise<void> {
    for (const ids of chunks(awsSessionIds)) await this.sessions.update({ sourceId, awsSessionId: In(ids) }, { ended: true });
  }

  async recordSuccess(sourceId: string, s: PollSuccess): Promise<void> {
    await this.states
      .createQueryBuilder()
      .update()
      .set({
        lastSuccessAt: s.finishedAt,
        lastSuccessStartedAt: s.startedAt,
        consecutiveFailures: 0,
        nextPollAt: s.nextPollAt,
        lastDurationMs: Math.min(2 ** 31 - 1, s.finishedAt - s.startedAt),
        activeCount: s.active,
        historyCount: s.history,
        // integers the poller counted, not input: safe in the expression
        importedTotal: () => `imported_total + ${Math.trunc(s.imported)}`,
        endedTotal: () => `ended_total + ${Math.trunc(s.ended)}`,
        rejectedTotal: () => `rejected_total + ${Math.trunc(s.rejected)}`,
      })
      .where('source_id = :sourceId', { sourceId })
      .execute();
  }

  async recordFailure(sourceId: string, f: PollFailure): Promise<void> {
    await this.states.update({ sourceId }, { lastError: f.error.slice(0, 512), lastErrorAt: f.startedAt, consecutiveFailures: f.consecutiveFailures, nextPollAt: f.nextPollAt });
  }
}
