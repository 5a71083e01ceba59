import type { ImportedEnd, RegistryInput } from './aws-session';
import type { MirrorState } from './poll-plan';

/** Vigil's session registry as the importer uses it (SessionsService behind it). */
export interface ImportRegistry {
  /** Registers the session, or finds the one registered before under (agent, externalId). */
  open(agentId: string, input: RegistryInput): Promise<{ sessionId: string; startDate: number; ended: boolean; created: boolean }>;
  end(agentId: string, sessionId: string, end: ImportedEnd): Promise<'ended' | 'already-ended'>;
  /** 'gone': no longer open in Vigil (ended by a timeout or an administrator) */
  heartbeat(agentId: string, sessionId: string): Promise<'ok' | 'gone'>;
  disconnect(sessionId: string): Promise<'ok' | 'gone'>;
  stillOpen(sessionIds: string[]): Promise<Set<string>>;
}

/** A registered SSM session with the AWS attributes the registry has no column for. */
export interface MirrorRow extends MirrorState {
  target: string;
  ownerArn: string | null;
  documentName: string | null;
  reason: string | null;
  endDate: number | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface PollSuccess {
  startedAt: number;
  finishedAt: number;
  nextPollAt: number;
  active: number;
  history: number;
  imported: number;
  ended: number;
  rejected: number;
}

export interface PollFailure {
  startedAt: number;
  error: string;
  consecutiveFailures: number;
  nextPollAt: number;
}

/** The importer's own tables: poll state (lease, health) and mirrored sessions. */
export interface ImportStore {
  /** Takes or renews the source's lease; false while another gateway holds it. */
  acquireLease(sourceId: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(sourceId: string, holder: string): Promise<void>;
  lastSuccessStartedAt(sourceId: string): Promise<number | null>;
  openMirrors(sourceId: string): Promise<MirrorState[]>;
  mirrorsOf(sourceId: string, awsSessionIds: string[]): Promise<Map<string, MirrorState>>;
  /** inserts or updates the row (its first-seen time is kept) */
  saveMirror(sourceId: string, row: MirrorRow): Promise<void>;
  /** still listed: the time they were last seen */
  touch(sourceId: string, awsSessionIds: string[], at: number): Promise<void>;
  markEnded(sourceId: string, awsSessionIds: string[]): Promise<void>;
  recordSuccess(sourceId: string, success: PollSuccess): Promise<void>;
  recordFailure(sourceId: string, failure: PollFailure): Promise<void>;
}
