import { endedReason } from './ended-reason';

describe('endedReason', () => {
  it('says why, in words a user can act on', () => {
    expect(endedReason({ reason: 'terminated', message: 'Session terminated by admin: Policy check' })).toBe('Session terminated by admin: Policy check');
    expect(endedReason({ reason: 'terminated' })).toBe('the session was terminated');
    expect(endedReason({ reason: 'failed', message: 'recording failed' })).toBe('the session failed: recording failed');
    expect(endedReason({ reason: 'ended', exitCode: 0 })).toBe('the session ended (exit status 0)');
    expect(endedReason({ reason: 'ended', signal: 'KILL' })).toBe('the session ended (signal KILL)');
    expect(endedReason({ reason: 'ended', message: 'the user disconnected' })).toBe('the session ended: the user disconnected');
    expect(endedReason(undefined)).toBe('the session ended');
  });
});
