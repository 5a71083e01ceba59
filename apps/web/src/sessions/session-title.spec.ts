import type { SessionView } from '../api/types';
import { sessionTitle, unwatchableReason } from './session-title';

const base: SessionView = {
  id: 's1', externalId: 'e1', agentId: 'a1', type: 'PAM_SSH', status: 'Connected', user: 'alice', device: '10.0.0.9', client: 'vm',
  port: 22, serviceUrl: 'ssh://uxtgt@10.0.0.5:22', accountName: 'uxtgt', serviceProvider: 'db-01', owner: 'alice',
  startDate: '2026-12-01T10:00:00.000Z', lastHeartbeat: '2026-12-01T10:00:00.000Z', liveStream: 'terminal',
};

describe('sessionTitle', () => {
  it('names the account and target of a session through Vigil, not the jump host', () => {
    expect(sessionTitle(base)).toBe('alice → uxtgt@db-01');
    expect(sessionTitle({ ...base, type: 'PAM_RDP', accountName: null, serviceProvider: 'desk-01' })).toBe('alice → desk-01');
  });
  it('names the machine for agent-reported sessions, and a PAM_SSH without a target', () => {
    expect(sessionTitle({ ...base, type: 'CONSOLE', client: 'srv-app-03' })).toBe('alice on srv-app-03');
    expect(sessionTitle({ ...base, serviceProvider: null })).toBe('alice on vm');
  });
});

describe('unwatchableReason', () => {
  it('is null for a session Vigil streams, and explains the others', () => {
    expect(unwatchableReason(base)).toBeNull();
    expect(unwatchableReason({ ...base, liveStream: 'desktop', type: 'PAM_RDP' })).toBeNull();
    expect(unwatchableReason({ ...base, liveStream: null })).toMatch(/another jump server/);
    expect(unwatchableReason({ ...base, liveStream: null, type: 'CONSOLE' })).toMatch(/agent/);
  });
});
