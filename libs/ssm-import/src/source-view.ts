import type { SsmImportSourceEntity } from './entities/ssm-import-source.entity';
import type { SsmImportStateEntity } from './entities/ssm-import-state.entity';

/** How a source's import is going, as admins see it. */
export interface SourceHealth {
  /** disabled; pending (not polled yet); ok (the last poll succeeded); failing (the last poll failed, backing off) */
  status: 'disabled' | 'pending' | 'ok' | 'failing';
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  /** the last failure, kept after a recovery */
  lastError: { at: string; message: string } | null;
  consecutiveFailures: number;
  nextPollAt: string | null;
  lastDurationMs: number | null;
  /** the gateway whose lease is current, null when none is */
  polledBy: string | null;
  counts: {
    /** Active sessions in the last successful poll */
    active: number;
    /** History entries the last successful poll read (its window) */
    history: number;
    /** sessions registered in Vigil, in all */
    imported: number;
    /** sessions ended in Vigil from their History entry, in all */
    ended: number;
    /** sessions not imported (no id or start date; a date the registry refused) */
    rejected: number;
  };
}

/** A source as the API shows it: never its secret. */
export interface PublicSsmImportSource {
  id: string;
  name: string;
  region: string;
  endpoint: string | null;
  /** access-key: the key given to Vigil; provider-chain: the AWS SDK's standard chain on the gateway */
  credentials: 'access-key' | 'provider-chain';
  accessKeyId: string | null;
  pollIntervalSeconds: number;
  enabled: boolean;
  /** api, or environment (VIGIL_SSM_IMPORT_*: read-only through the API) */
  origin: 'api' | 'environment';
  createdAt: string;
  updatedAt: string;
  health: SourceHealth;
}

const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : new Date(t).toISOString());

export function toPublicSource(source: SsmImportSourceEntity, state: SsmImportStateEntity | null, now: number): PublicSsmImportSource {
  const failures = state?.consecutiveFailures ?? 0;
  const status: SourceHealth['status'] = !source.enabled ? 'disabled' : failures > 0 ? 'failing' : state?.lastSuccessAt ? 'ok' : 'pending';
  return {
    id: source.id,
    name: source.name,
    region: source.region,
    endpoint: source.endpoint,
    credentials: source.accessKeyId ? 'access-key' : 'provider-chain',
    accessKeyId: source.accessKeyId,
    pollIntervalSeconds: source.pollIntervalSeconds,
    enabled: source.enabled,
    origin: source.origin,
    createdAt: new Date(source.createdAt).toISOString(),
    updatedAt: new Date(source.updatedAt).toISOString(),
    health: {
      status,
      lastPollAt: iso(state?.lastPollAt),
      lastSuccessAt: iso(state?.lastSuccessAt),
      lastError: state?.lastError && state.lastErrorAt !== null ? { at: new Date(state.lastErrorAt).toISOString(), message: state.lastError } : null,
      consecutiveFailures: failures,
      nextPollAt: source.enabled ? iso(state?.nextPollAt) : null,
      lastDurationMs: state?.lastDurationMs ?? null,
      polledBy: state?.leaseHolder && state.leaseUntil !== null && state.leaseUntil > now ? state.leaseHolder : null,
      counts: {
        active: state?.activeCount ?? 0,
        history: state?.historyCount ?? 0,
        imported: state?.importedTotal ?? 0,
        ended: state?.endedTotal ?? 0,
        rejected: state?.rejectedTotal ?? 0,
      },
    },
  };
}
