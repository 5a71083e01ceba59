import type { SessionView } from '@vigil/common';
import { OpenSessionEntity } from './entities/open-session.entity';

export function toSessionView(s: OpenSessionEntity): SessionView {
  return {
    id: s.id,
    externalId: s.externalId,
    agentId: s.agentId,
    type: s.type,
    status: s.status,
    user: s.user,
    device: s.device,
    client: s.client,
    port: s.port,
    serviceUrl: s.serviceUrl,
    accountName: s.accountName,
    serviceProvider: s.serviceProvider,
    owner: s.owner,
    startDate: new Date(s.startDate).toISOString(),
    lastHeartbeat: new Date(s.lastHeartbeat).toISOString(),
    liveStream: s.liveStream ?? null,
  };
}
