import { RemoteSessionStates, type RemoteSessionState } from './live-cluster-states';

const state = (seq: number, over: Partial<RemoteSessionState['control']> = {}, viewerIds = ['v1', 'v2']): RemoteSessionState => ({
  seq,
  viewerIds,
  control: { holder: null, userPaused: false, pausedBy: null, interactiveViewers: ['v1'], ...over },
});

describe('RemoteSessionStates (a gateway\'s copy of the lock of sessions held elsewhere)', () => {
  it('allows nothing for an unknown session', () => {
    const states = new RemoteSessionStates();
    expect(states.mayType('s', 'v1')).toBe(false);
    expect(states.attached('s', 'v1')).toBeUndefined();
  });

  it('lets only the lock holder attached in interact mode type', () => {
    const states = new RemoteSessionStates();
    states.apply('s', state(1));
    expect(states.mayType('s', 'v1')).toBe(false); // interactive, lock free
    states.apply('s', state(2, { holder: 'v1' }));
    expect(states.mayType('s', 'v1')).toBe(true);
    expect(states.mayType('s', 'v2')).toBe(false); // view only
    expect(states.mayType('other', 'v1')).toBe(false);
    // a forged or stale state naming a view-only viewer as holder still does not let it type
    states.apply('s', state(3, { holder: 'v2' }));
    expect(states.mayType('s', 'v2')).toBe(false);
    // detached: no longer listed, no input, even if the holder field lags
    states.apply('s', state(4, { holder: 'v1' }, ['v2']));
    expect(states.mayType('s', 'v1')).toBe(false);
    expect(states.attached('s', 'v1')).toBe(false);
    expect(states.attached('s', 'v2')).toBe(true);
  });

  it('never lets an older state overwrite a newer one (an answer that crossed a push)', () => {
    const states = new RemoteSessionStates();
    expect(states.apply('s', state(5, { holder: 'v1' }))).toBe(true);
    expect(states.apply('s', state(4))).toBe(false);
    expect(states.apply('s', state(5))).toBe(false);
    expect(states.mayType('s', 'v1')).toBe(true);
    expect(states.apply('s', state(6))).toBe(true);
    expect(states.mayType('s', 'v1')).toBe(false);
  });

  it('forgets an ended session', () => {
    const states = new RemoteSessionStates();
    states.apply('s', state(1, { holder: 'v1' }));
    states.forget('s');
    expect(states.size).toBe(0);
    expect(states.mayType('s', 'v1')).toBe(false);
  });
});
