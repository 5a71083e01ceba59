import { ControlLock, SESSION_USER } from './control-lock';

describe('ControlLock', () => {
  let lock: ControlLock;

  beforeEach(() => {
    lock = new ControlLock();
    lock.attach('alice', 'interact');
    lock.attach('bob', 'interact');
    lock.attach('carol', 'view');
  });

  describe('the user', () => {
    it('types by default, and no viewer does', () => {
      expect(lock.canType(SESSION_USER)).toBe(true);
      expect(lock.canType('alice')).toBe(false);
      expect(lock.holder()).toBeNull();
    });

    it('keeps typing while a viewer holds the lock', () => {
      lock.take('alice');
      expect(lock.canType(SESSION_USER)).toBe(true);
      expect(lock.canType('alice')).toBe(true);
    });

    it('is paused and resumed, with who paused recorded', () => {
      expect(lock.pauseUser('alice')).toEqual({ ok: true, changed: true });
      expect(lock.canType(SESSION_USER)).toBe(false);
      expect(lock.state()).toMatchObject({ userPaused: true, pausedBy: 'alice' });

      expect(lock.resumeUser()).toEqual({ ok: true, changed: true });
      expect(lock.canType(SESSION_USER)).toBe(true);
      expect(lock.resumeUser()).toEqual({ ok: true, changed: false });
    });

    it('may be paused by a viewer in view mode (the edge decides who is an admin)', () => {
      expect(lock.pauseUser('carol')).toEqual({ ok: true, changed: true });
    });

    it('cannot be paused by someone not attached', () => {
      expect(lock.pauseUser('mallory')).toEqual({ ok: false, reason: 'not-attached' });
      expect(lock.canType(SESSION_USER)).toBe(true);
    });

    it('reports who already paused, and treats a repeat pause as a no-op', () => {
      lock.pauseUser('alice');
      expect(lock.pauseUser('bob')).toEqual({ ok: false, reason: 'already-paused', pausedBy: 'alice' });
      expect(lock.pauseUser('alice')).toEqual({ ok: true, changed: false });
    });

    it('is resumed automatically when the viewer who paused them detaches', () => {
      lock.pauseUser('alice');
      lock.detach('bob');
      expect(lock.canType(SESSION_USER)).toBe(false);
      lock.detach('alice');
      expect(lock.canType(SESSION_USER)).toBe(true);
    });

    it('cannot be impersonated by a viewer id', () => {
      expect(lock.attach(SESSION_USER, 'interact')).toEqual({ ok: false, reason: 'reserved-id' });
      expect(lock.attach('', 'interact')).toEqual({ ok: false, reason: 'reserved-id' });
      expect(lock.take(SESSION_USER)).toEqual({ ok: false, reason: 'not-attached' });
    });
  });

  describe('the exclusive lock', () => {
    it('is taken when free, and only its holder may type', () => {
      expect(lock.take('alice')).toEqual({ ok: true, changed: true, previousHolder: null });
      expect(lock.holder()).toBe('alice');
      expect(lock.canType('alice')).toBe(true);
      expect(lock.canType('bob')).toBe(false);
      expect(lock.canType('carol')).toBe(false);
    });

    it('is refused while another viewer holds it, naming the holder', () => {
      lock.take('alice');
      expect(lock.take('bob')).toEqual({ ok: false, reason: 'held-by', holder: 'alice' });
      expect(lock.holder()).toBe('alice');
    });

    it('is a no-op to take again for the holder', () => {
      lock.take('alice');
      expect(lock.take('alice')).toEqual({ ok: true, changed: false, previousHolder: 'alice' });
    });

    it('can be forced, reporting whom it was taken from', () => {
      lock.take('alice');
      expect(lock.take('bob', { force: true })).toEqual({ ok: true, changed: true, previousHolder: 'alice' });
      expect(lock.canType('alice')).toBe(false);
      expect(lock.canType('bob')).toBe(true);
    });

    it('is only for viewers attached in interact mode, even when forced', () => {
      expect(lock.take('carol')).toEqual({ ok: false, reason: 'not-interactive' });
      expect(lock.take('carol', { force: true })).toEqual({ ok: false, reason: 'not-interactive' });
      expect(lock.take('mallory')).toEqual({ ok: false, reason: 'not-attached' });
      expect(lock.holder()).toBeNull();
    });

    it('is handed back by its holder only', () => {
      lock.take('alice');
      expect(lock.handBack('bob')).toEqual({ ok: false, reason: 'not-holder', holder: 'alice' });
      expect(lock.handBack('alice')).toEqual({ ok: true, changed: true });
      expect(lock.holder()).toBeNull();
      expect(lock.canType('alice')).toBe(false);
      expect(lock.handBack('alice')).toEqual({ ok: false, reason: 'not-holder', holder: null });
    });

    it('can be taken by someone else once handed back', () => {
      lock.take('alice');
      lock.handBack('alice');
      expect(lock.take('bob')).toMatchObject({ ok: true, previousHolder: null });
    });

    it('is released when its holder detaches', () => {
      lock.take('alice');
      expect(lock.detach('alice')).toEqual({ ok: true, changed: true });
      expect(lock.holder()).toBeNull();
      expect(lock.canType('alice')).toBe(false);
      expect(lock.take('bob')).toMatchObject({ ok: true });
    });

    it('is not affected when another viewer detaches', () => {
      lock.take('alice');
      lock.detach('bob');
      expect(lock.holder()).toBe('alice');
    });

    it('is released when its holder switches to view mode', () => {
      lock.take('alice');
      expect(lock.attach('alice', 'view')).toEqual({ ok: true, changed: true });
      expect(lock.holder()).toBeNull();
      expect(lock.take('alice')).toEqual({ ok: false, reason: 'not-interactive' });
    });

    it('becomes available to a viewer upgraded to interact mode', () => {
      expect(lock.attach('carol', 'interact')).toEqual({ ok: true, changed: true });
      expect(lock.take('carol')).toMatchObject({ ok: true });
    });
  });

  it('treats detaching an unknown viewer and re-attaching in the same mode as no change', () => {
    expect(lock.detach('nobody')).toEqual({ ok: true, changed: false });
    expect(lock.attach('alice', 'interact')).toEqual({ ok: true, changed: false });
  });

  it('snapshots its state for broadcasting, detached from later changes', () => {
    lock.take('bob');
    lock.pauseUser('carol');
    const state = lock.state();

    expect(state).toEqual({ holder: 'bob', userPaused: true, pausedBy: 'carol', interactiveViewers: ['alice', 'bob'] });
    lock.detach('alice');
    expect(state.interactiveViewers).toEqual(['alice', 'bob']);
    expect(lock.state().interactiveViewers).toEqual(['bob']);
  });
});

describe('ControlLock.moveTo (a granted request)', () => {
  it('moves the lock from the expected holder to an interact viewer', () => {
    const lock = new ControlLock();
    lock.attach('a', 'interact');
    lock.attach('b', 'interact');
    lock.take('a');
    expect(lock.moveTo('b', 'a')).toEqual({ ok: true, changed: true, previousHolder: 'a' });
    expect(lock.canType('b')).toBe(true);
    expect(lock.canType('a')).toBe(false);
  });

  it('does nothing when the holder changed since the grant was decided', () => {
    const lock = new ControlLock();
    lock.attach('a', 'interact');
    lock.attach('b', 'interact');
    lock.attach('c', 'interact');
    lock.take('c');
    expect(lock.moveTo('b', 'a')).toEqual({ ok: false, reason: 'holder-changed' });
    expect(lock.holder()).toBe('c');
  });

  it('never gives the lock to a view-only or unknown viewer', () => {
    const lock = new ControlLock();
    lock.attach('v', 'view');
    expect(lock.moveTo('v', null)).toEqual({ ok: false, reason: 'not-interactive' });
    expect(lock.moveTo('ghost', null)).toEqual({ ok: false, reason: 'not-attached' });
    expect(lock.holder()).toBeNull();
  });
});
