import { canTransition, decideTimeout, statusAfterHeartbeat } from './session-lifecycle';

const policy = { heartbeatTimeoutMs: 1_000, disconnectGraceMs: 5_000 };

describe('session lifecycle', () => {
  it('allows a disconnected session to reconnect but never revives a terminated one', () => {
    expect(canTransition('Disconnected', 'Connected')).toBe(true);
    expect(canTransition('Terminated', 'Connected')).toBe(false);
    expect(canTransition('Connected', 'Connecting')).toBe(false);
  });

  it('reconnects on heartbeat', () => {
    expect(statusAfterHeartbeat('Disconnected')).toBe('Connected');
    expect(statusAfterHeartbeat('Connecting')).toBe('Connected');
    expect(statusAfterHeartbeat('Terminating')).toBe('Terminating');
  });

  it.each([
    ['fresh heartbeat', { status: 'Connected', lastHeartbeat: 10_000, disconnectedAt: null }, 10_999, 'keep'],
    ['heartbeat overdue', { status: 'Connected', lastHeartbeat: 10_000, disconnectedAt: null }, 11_000, 'disconnect'],
    ['within grace', { status: 'Disconnected', lastHeartbeat: 10_000, disconnectedAt: 11_000 }, 15_999, 'keep'],
    ['grace over', { status: 'Disconnected', lastHeartbeat: 10_000, disconnectedAt: 11_000 }, 16_000, 'end'],
    ['silent past both windows', { status: 'Connected', lastHeartbeat: 10_000, disconnectedAt: null }, 16_000, 'end'],
  ] as const)('%s → %s', (_name, session, now, expected) => {
    expect(decideTimeout(session, now, policy)).toBe(expected);
  });
});
