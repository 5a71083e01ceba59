import type { RecordingFormat } from './recording-format';

/** The vocabulary shared by open sessions, access-log entries and their exports. */
export const SESSION_TYPES = ['CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_RDP', 'PAM_SSH', 'SSM'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

/** Agents may report every type except SSM, which only the SSM importer creates. */
export const AGENT_SESSION_TYPES = SESSION_TYPES.filter((t) => t !== 'SSM') as Exclude<SessionType, 'SSM'>[];

/** Statuses as AWS SSM names them. */
export const SESSION_STATUSES = [
  'Connecting',
  'Connected',
  'Disconnected',
  'Terminating',
  'Terminated',
  'Failed',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const END_REASONS = ['ended', 'timeout', 'terminated', 'failed'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** What every session carries, open or ended. Dates are ISO-8601 strings on the wire. */
export interface SessionView {
  id: string;
  externalId: string;
  agentId: string;
  type: SessionType;
  status: SessionStatus;
  user: string;
  device: string;
  client: string;
  port: number | null;
  serviceUrl: string | null;
  accountName: string | null;
  serviceProvider: string | null;
  owner: string;
  startDate: string;
  lastHeartbeat: string;
  /**
   * What a viewer can watch live: `terminal` (Vigil's jump or browser terminal), `desktop` (its
   * RDP/VNC tunnel), or null: reported by an agent, no stream exists (nobody can View it).
   */
  liveStream: LiveStreamKind | null;
}

export const LIVE_STREAM_KINDS = ['terminal', 'desktop'] as const;
export type LiveStreamKind = (typeof LIVE_STREAM_KINDS)[number];

export interface AccessLogView extends Omit<SessionView, 'lastHeartbeat' | 'liveStream'> {
  endDate: string;
  durationSeconds: number;
  endReason: EndReason;
  endedBy: string | null;
  /** the reason a person gave when terminating */
  endMessage: string | null;
  recordingUrl: string | null;
  /** null without a recording; see RECORDING_STATUSES */
  recordingStatus: RecordingStatus | null;
  /** how the recording plays: 'asciicast' (terminal) or 'guacamole' (RDP/VNC); null without a recording */
  recordingFormat: RecordingFormat | null;
}

/**
 * complete: sealed at the end, every byte; incomplete: the recording failed (or fell behind and
 * dropped bytes) during the session, the file holds what was written before; recovered: sealed
 * at the next boot after the jump crashed, up to the crash.
 */
export const RECORDING_STATUSES = ['complete', 'incomplete', 'recovered'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];
