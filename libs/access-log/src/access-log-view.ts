import { recordingFormatOf, type AccessLogView } from '@vigil/common';
import { AccessLogEntryEntity } from './entities/access-log-entry.entity';

export function toAccessLogView(e: AccessLogEntryEntity): AccessLogView {
  return {
    id: e.id,
    externalId: e.externalId,
    agentId: e.agentId,
    type: e.type,
    status: e.status,
    user: e.user,
    device: e.device,
    client: e.client,
    port: e.port,
    serviceUrl: e.serviceUrl,
    accountName: e.accountName,
    serviceProvider: e.serviceProvider,
    owner: e.owner,
    startDate: new Date(e.startDate).toISOString(),
    endDate: new Date(e.endDate).toISOString(),
    durationSeconds: e.durationSeconds,
    endReason: e.endReason,
    endedBy: e.endedBy,
    endMessage: e.endMessage,
    recordingUrl: e.recordingPath ? `/api/access-logs/${e.id}/recording` : null,
    // entries sealed before recording_status existed were complete
    recordingStatus: e.recordingStatus ?? (e.recordingPath ? 'complete' : null),
    recordingFormat: recordingFormatOf(e.recordingPath),
  };
}
