import { EventEmitter2 } from '@nestjs/event-emitter';
import type { UserPrincipal } from '@vigil/auth';
import type { AuditEntry } from '@vigil/common';
import type { AuditOutbox } from '@vigil/database';
import { LiveCore } from './live-core';
import type { LiveEdge } from './live-edge';
import { LiveHub } from './live-hub.service';
import type { RdpLiveSource, SshLiveSource } from './live-source';
import type { GuacamoleJoinMinter } from './streams/guacamole-stream';

const user = (username: string, roles: UserPrincipal['roles'], privileges: UserPrincipal['privileges'] = []): UserPrincipal => ({
  kind: 'user',
  id: username,
  username,
  roles,
  privileges,
});
const admin = user('admin', ['admin']);
const auditor = user('dave', ['auditor'], ['shadow']);
const alice = user('alice', ['owner']);
const info = (sessionId: string) => ({ sessionId, owner: 'alice', user: 'alice', announceWatching: true, recordingFile: null });

/** The core with a real hub and its streams, a recording outbox (that fails on demand) and a recording edge. */
function setUp() {
  const log: string[] = [];
  const audits: AuditEntry[] = [];
  let auditFails = false;
  const outbox = {
    append: async (entry: AuditEntry) => {
      log.push(`audit ${entry.action}`);
      if (auditFails) throw new Error('database down');
      audits.push(entry);
      return ['id'];
    },
  } as unknown as AuditOutbox;
  const mints: Parameters<GuacamoleJoinMinter['mint']>[0][] = [];
  let mintFails = false;
  const minter: GuacamoleJoinMinter = {
    mint: async (request) => {
      log.push(`mint ${request.mode}`);
      if (mintFails) throw new Error('guacd connection gone');
      mints.push(request);
      return { tunnel: '/guacamole', token: `token-${mints.length}`, expiresAt: 123 };
    },
    viewerLeft: (sessionId, viewerId) => void log.push(`left ${sessionId} ${viewerId}`),
    sessionClosed: (sessionId) => void log.push(`closed ${sessionId}`),
  };
  const emitted: { sessionId: string; event: string; payload: unknown }[] = [];
  const edge: LiveEdge = {
    toSession: (sessionId, event, payload) => void emitted.push({ sessionId, event, payload }),
    toViewer: (viewerId, event, payload) => void emitted.push({ sessionId: `viewer:${viewerId}`, event, payload }),
    removeFromSession: (sessionId, viewerId) => void emitted.push({ sessionId, event: 'left-room', payload: viewerId }),
    clearSession: () => undefined,
    auditContext: () => ({ sourceIp: '192.0.2.7' }),
  };
  const hub = new LiveHub(minter);
  const core = new LiveCore(hub, outbox, new EventEmitter2());
  core.connect(edge, null);
  hub.connect({ output: () => undefined, resize: () => undefined, backlog: () => 0, setLive: () => undefined, resync: () => undefined, resyncAll: () => undefined }, core);
  const notices: string[] = [];
  const paused: boolean[] = [];
  const rdp: RdpLiveSource = {
    kind: 'rdp',
    setUserInputPaused: (p) => void paused.push(p),
    notifyUser: (line) => void notices.push(line),
    terminate: () => undefined,
  };
  hub.open(info('rdp-1'), rdp);
  return {
    hub,
    core,
    log,
    audits,
    mints,
    emitted,
    notices,
    paused,
    failAudit: (fails: boolean) => (auditFails = fails),
    failMint: (fails: boolean) => (mintFails = fails),
    rdp: () => hub.get('rdp-1')!,
  };
}

describe('LiveCore (protocol-neutral /live rules)', () => {
  let t: ReturnType<typeof setUp>;
  beforeEach(() => (t = setUp()));
  afterEach(() => t.hub.onModuleDestroy());

  it('an RDP attach answers the Guacamole tunnel and a token minted after the join is recorded', async () => {
    let joined = 0;
    const ack = await t.core.attachViewer(t.rdp(), 'sock-1', auditor, 'view', () => joined++);
    expect(ack).toEqual({
      ok: true,
      kind: 'rdp',
      sessionId: 'rdp-1',
      tunnel: '/guacamole',
      token: 'token-1',
      viewers: [expect.objectContaining({ viewerId: 'sock-1', username: 'dave', mode: 'view' })],
      control: expect.objectContaining({ holder: null }),
      viewerId: 'sock-1',
    });
    expect(joined).toBe(1);
    // the record first: no token exists for a watch that was not audited
    expect(t.log).toEqual(['audit viewer.join', 'mint view']);
    expect(t.mints).toEqual([{ sessionId: 'rdp-1', viewer: auditor, viewerId: 'sock-1', mode: 'view' }]);
    expect(ack).not.toHaveProperty('expiresAt'); // only tunnel and token leave the minter
    expect(t.audits[0]).toMatchObject({ action: 'viewer.join', actor: 'user:dave', sessionId: 'rdp-1', context: { sourceIp: '192.0.2.7' } });
  });

  it('a wall thumbnail is listed (via wall, mode view) and announced once, outside the lock and the stream; its leave lists it no more', () => {
    const session = t.rdp();
    for (let i = 0; i < 20; i++) {
      t.core.wallJoined(session, 'wall-1', 'dave');
      t.core.wallJoined(session, 'wall-1', 'dave'); // the same subscription again: nothing new
      t.core.wallLeft(session, 'wall-1');
    }
    t.core.wallJoined(session, 'wall-2', 'dave');
    t.core.wallJoined(session, 'wall-3', 'alice'); // the session's own user: listed, never told about themselves
    expect(t.notices).toEqual(['dave started watching this session (wall thumbnail)']);
    expect(t.hub.watchers(null)).toEqual([
      { sessionId: 'rdp-1', viewers: [{ username: 'dave', mode: 'view', via: 'wall' }, { username: 'alice', mode: 'view', via: 'wall' }] },
    ]);
    expect(session.watcherList().map((v) => v.viewerId)).toEqual(['wall:wall-2', 'wall:wall-3']);
    expect(session.viewerList()).toEqual([]);
    expect(session.lock.state().holder).toBeNull();
    expect(t.mints).toEqual([]);
    t.core.wallLeft(session, 'wall-2');
    t.core.wallLeft(session, 'wall-3');
    t.core.wallLeft(session, 'wall-3'); // twice: harmless
    expect(t.hub.watchers(null)).toEqual([]);
    expect(t.audits).toEqual([]); // the wall gateway writes the records (before the join, as attach does)
  });

  it('no token when the join cannot be audited, for a viewer who may not see the session, or for interact without the privilege', async () => {
    t.failAudit(true);
    await expect(t.core.attachViewer(t.rdp(), 'sock-1', auditor, 'view', () => undefined)).resolves.toEqual({
      ok: false,
      error: 'refused: the audit record could not be written',
    });
    t.failAudit(false);
    const bob = user('bob', ['owner'], ['shadow', 'interact']);
    await expect(t.core.attachViewer(t.rdp(), 'sock-2', bob, 'view', () => undefined)).resolves.toEqual({ ok: false, error: 'session not found' });
    await expect(t.core.attachViewer(t.rdp(), 'sock-3', auditor, 'interact', () => undefined)).resolves.toMatchObject({ ok: false, error: /interact privilege/ });
    expect(t.mints).toEqual([]);
    expect(t.rdp().viewerList()).toEqual([]);
  });

  it('a token that cannot be minted leaves no viewer behind', async () => {
    t.failMint(true);
    const ack = await t.core.attachViewer(t.rdp(), 'sock-1', admin, 'interact', () => undefined);
    expect(ack).toEqual({ ok: false, error: 'cannot watch this session: guacd connection gone' });
    expect(t.rdp().viewer('sock-1')).toBeUndefined();
    expect(t.emitted).toContainEqual({ sessionId: 'rdp-1', event: 'left-room', payload: 'sock-1' });
    expect(t.core.attachedTo('sock-1').has('rdp-1')).toBe(false);
  });

  it('RDP input goes through the tunnel only, and only for the control holder (LiveHub.mayType)', async () => {
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    await t.core.attachViewer(t.rdp(), 'admin', admin, 'interact', () => undefined);
    expect(t.hub.mayType('rdp-1', 'viewer')).toBe(false);
    expect(t.hub.mayType('rdp-1', 'admin')).toBe(false); // the user holds control until a viewer takes it
    await expect(t.core.controlFrom(t.rdp(), 'viewer', auditor, 'take')).resolves.toEqual({ ok: false, error: 'cannot take control: not-interactive' });
    expect(t.hub.mayType('rdp-1', 'viewer')).toBe(false);
    await expect(t.core.controlFrom(t.rdp(), 'admin', admin, 'take')).resolves.toEqual({ ok: true });
    expect(t.hub.mayType('rdp-1', 'admin')).toBe(true);
    expect(t.hub.mayType('rdp-1', 'forged-id')).toBe(false);
    expect(t.hub.mayType('no-such-session', 'admin')).toBe(false);
    await expect(t.core.inputFrom(t.rdp(), 'admin', admin, 'x')).resolves.toEqual({ ok: false, error: 'input refused: this session takes input through its tunnel' });
  });

  it('a pause whose record fails is undone on the origin too; the control state goes to every viewer', async () => {
    await t.core.attachViewer(t.rdp(), 'admin', admin, 'interact', () => undefined);
    t.failAudit(true);
    await expect(t.core.controlFrom(t.rdp(), 'admin', admin, 'pause-user')).resolves.toEqual({ ok: false, error: 'refused: the audit record could not be written' });
    expect(t.paused).toEqual([true, false]);
    expect(t.rdp().lock.state().pausedBy).toBeNull();
    expect(t.emitted.filter((e) => e.event === 'control')).toHaveLength(1);
    await expect(t.core.controlFrom(t.rdp(), 'admin', alice, 'pause-user')).resolves.toMatchObject({ ok: false, error: /only admins/ });
  });

  it('the end of a session is told to its viewers with the reason', async () => {
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    t.hub.onSessionEnded({ entry: { id: 'rdp-1', endReason: 'ended' } } as never);
    expect(t.emitted).toContainEqual({ sessionId: 'rdp-1', event: 'ended', payload: { sessionId: 'rdp-1', reason: 'ended' } });
    expect(t.hub.get('rdp-1')).toBeUndefined();
    expect(t.core.attachedTo('viewer').has('rdp-1')).toBe(false);
    // the tunnels are libs/rdp's: told to close them all
    expect(t.log).toContain('closed rdp-1');
  });

  it("a viewer's leaving is told to the tunnel side, and a re-attach replaces the viewer's earlier join", async () => {
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    expect(t.log.filter((line) => line.startsWith('left'))).toEqual(['left rdp-1 viewer']);
    expect(t.core.leaveSession(t.rdp(), 'viewer', auditor, () => undefined)).toBe(true);
    expect(t.log.filter((line) => line.startsWith('left'))).toEqual(['left rdp-1 viewer', 'left rdp-1 viewer']);
    expect(t.core.leaveSession(t.rdp(), 'viewer', auditor, () => undefined)).toBe(false);
  });

  it('an SSH attach still answers the terminal screen (unchanged for clients)', async () => {
    const ssh: SshLiveSource = {
      kind: 'ssh',
      size: { cols: 20, rows: 3 },
      injectInput: () => undefined,
      setUserInputPaused: () => undefined,
      notifyUser: () => undefined,
      terminate: () => undefined,
    };
    const feed = t.hub.open(info('ssh-1'), ssh);
    feed.output(Buffer.from('hello'));
    const ack = await t.core.attachViewer(t.hub.get('ssh-1')!, 'sock-9', admin, 'view', () => undefined);
    expect(ack).toMatchObject({ ok: true, kind: 'ssh', sessionId: 'ssh-1', cols: 20, rows: 3, viewerId: 'sock-9' });
    expect((ack as { screen: string }).screen).toContain('hello');
    expect(Object.keys(ack).sort()).toEqual(['cols', 'control', 'kind', 'ok', 'rows', 'screen', 'sessionId', 'viewerId', 'viewers']);
    feed.close('ended');
  });
});

describe('LiveCore: request control, grant, deny, and a message to the user', () => {
  let t: ReturnType<typeof setUp>;
  beforeEach(() => (t = setUp()));
  afterEach(() => t.hub.onModuleDestroy());
  const bob = user('bob', ['auditor'], ['shadow', 'interact']);
  const carol = user('carol', ['auditor'], ['shadow', 'interact']);
  const toViewer = (id: string, event: string) => t.emitted.filter((e) => e.sessionId === `viewer:${id}` && e.event === event).map((e) => e.payload);

  async function heldByBob() {
    await t.core.attachViewer(t.rdp(), 'bob-1', bob, 'interact', () => undefined);
    await t.core.attachViewer(t.rdp(), 'carol-1', carol, 'interact', () => undefined);
    await t.core.attachViewer(t.rdp(), 'admin-1', admin, 'view', () => undefined);
    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'take')).resolves.toEqual({ ok: true });
  }

  it('a request reaches the holder and the admin viewers; the holder grants and the lock moves, audited', async () => {
    await heldByBob();
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request')).resolves.toEqual({ ok: true });
    const asked = { sessionId: 'rdp-1', from: 'carol-1', username: 'carol', expiresInMs: 30_000 };
    expect(toViewer('bob-1', 'control-request')).toEqual([asked]);
    expect(toViewer('admin-1', 'control-request')).toEqual([asked]);
    expect(toViewer('carol-1', 'control-request')).toEqual([]); // never to the requester
    expect(t.hub.mayType('rdp-1', 'carol-1')).toBe(false); // a request gives nothing by itself

    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'grant', { to: 'carol-1' })).resolves.toEqual({ ok: true });
    expect(t.rdp().lock.holder()).toBe('carol-1');
    expect(t.hub.mayType('rdp-1', 'carol-1')).toBe(true);
    expect(t.hub.mayType('rdp-1', 'bob-1')).toBe(false);
    expect(toViewer('carol-1', 'control-request-closed')).toEqual([{ sessionId: 'rdp-1', from: 'carol-1', outcome: 'granted', by: 'bob' }]);
    expect(t.audits.map((a) => a.action)).toEqual(expect.arrayContaining(['control.request', 'control.grant']));
    expect(t.audits.find((a) => a.action === 'control.grant')).toMatchObject({ actor: 'user:bob', sessionId: 'rdp-1', requestParameters: { action: 'grant', to: 'carol' } });
    expect(t.notices).toContain('carol took control of this session'); // announced like a take
    // a replayed grant finds no request
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'grant', { to: 'carol-1' })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
  });

  it('refuses forged answers: a non-holder, a viewer that did not ask, another session, a made-up id', async () => {
    await heldByBob();
    const dave = user('dave2', ['auditor'], ['shadow', 'interact']);
    await t.core.attachViewer(t.rdp(), 'dave-1', dave, 'interact', () => undefined);
    await t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request');
    // dave neither holds control nor is an admin
    await expect(t.core.controlFrom(t.rdp(), 'dave-1', dave, 'grant', { to: 'carol-1' })).resolves.toMatchObject({ ok: false, error: /only the viewer holding control or an admin/ });
    // the requester cannot grant itself
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'grant', { to: 'carol-1' })).resolves.toMatchObject({ ok: false, error: /forbidden/ });
    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'grant', { to: 'dave-1' })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'grant', { to: 'forged-id' })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    // a viewer of another session, with its own pending request there
    const ssh: SshLiveSource = { kind: 'ssh', size: { cols: 20, rows: 3 }, injectInput: () => undefined, setUserInputPaused: () => undefined, notifyUser: () => undefined, terminate: () => undefined };
    const feed = t.hub.open(info('ssh-2'), ssh);
    await t.core.attachViewer(t.hub.get('ssh-2')!, 'admin-2', admin, 'interact', () => undefined);
    await t.core.attachViewer(t.hub.get('ssh-2')!, 'other-1', dave, 'interact', () => undefined);
    await t.core.controlFrom(t.hub.get('ssh-2')!, 'admin-2', admin, 'take');
    await expect(t.core.controlFrom(t.hub.get('ssh-2')!, 'other-1', dave, 'request')).resolves.toEqual({ ok: true });
    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'grant', { to: 'other-1' })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    expect(t.rdp().lock.holder()).toBe('bob-1');
    expect(t.hub.get('ssh-2')!.lock.holder()).toBe('admin-2');
    feed.close('ended');
  });

  it('an admin viewer may answer; a denial tells the requester and leaves the lock', async () => {
    await heldByBob();
    await t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request');
    await expect(t.core.controlFrom(t.rdp(), 'admin-1', admin, 'deny', { to: 'carol-1' })).resolves.toEqual({ ok: true });
    expect(t.rdp().lock.holder()).toBe('bob-1');
    expect(toViewer('carol-1', 'control-request-closed')).toEqual([{ sessionId: 'rdp-1', from: 'carol-1', outcome: 'denied', by: 'admin' }]);
    expect(toViewer('bob-1', 'control-request-closed')).toHaveLength(1); // the holder's banner closes too
    expect(t.audits.find((a) => a.action === 'control.deny')).toMatchObject({ actor: 'user:admin', requestParameters: { action: 'deny', to: 'carol' } });
    // asking again at once is rate-limited, and reaches nobody
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request')).resolves.toMatchObject({ ok: false, error: /rate limited/ });
    expect(toViewer('bob-1', 'control-request')).toHaveLength(1);
  });

  it('a request when nobody holds control is a take; view-mode viewers cannot ask; the holder need not', async () => {
    await t.core.attachViewer(t.rdp(), 'carol-1', carol, 'interact', () => undefined);
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    await expect(t.core.controlFrom(t.rdp(), 'viewer', auditor, 'request')).resolves.toMatchObject({ ok: false, error: /interact mode/ });
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request')).resolves.toEqual({ ok: true });
    expect(t.rdp().lock.holder()).toBe('carol-1');
    expect(t.audits.filter((a) => a.action === 'control.take')).toHaveLength(1);
    await expect(t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request')).resolves.toEqual({ ok: false, error: 'you already hold control' });
  });

  it('a grant whose record cannot be written is undone: control stays with its holder', async () => {
    await heldByBob();
    await t.core.controlFrom(t.rdp(), 'carol-1', carol, 'request');
    t.failAudit(true);
    await expect(t.core.controlFrom(t.rdp(), 'bob-1', bob, 'grant', { to: 'carol-1' })).resolves.toEqual({ ok: false, error: 'refused: the audit record could not be written' });
    expect(t.rdp().lock.holder()).toBe('bob-1');
    expect(t.hub.mayType('rdp-1', 'carol-1')).toBe(false);
  });

  it('a message reaches the user after its record (with the text); view-only non-admins cannot send one', async () => {
    await t.core.attachViewer(t.rdp(), 'viewer', auditor, 'view', () => undefined);
    await t.core.attachViewer(t.rdp(), 'admin-1', admin, 'view', () => undefined);
    await expect(t.core.messageFrom(t.rdp(), 'viewer', auditor, 'hello')).resolves.toMatchObject({ ok: false, error: /interact/ });
    await expect(t.core.messageFrom(t.rdp(), 'ghost', admin, 'hello')).resolves.toEqual({ ok: false, error: 'not attached to this session' });
    t.failAudit(true);
    await expect(t.core.messageFrom(t.rdp(), 'admin-1', admin, 'not audited')).resolves.toMatchObject({ ok: false });
    t.failAudit(false);
    await expect(t.core.messageFrom(t.rdp(), 'admin-1', admin, 'please save your work')).resolves.toEqual({ ok: true });
    expect(t.notices.filter((n) => n.startsWith('message from'))).toEqual(['message from admin: please save your work']);
    expect(t.audits.find((a) => a.action === 'user.message')).toMatchObject({ actor: 'user:admin', requestParameters: { text: 'please save your work' } });
  });
});
