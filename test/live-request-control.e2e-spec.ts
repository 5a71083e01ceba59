import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { DATABASE_KINDS } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, createUser, nextEvent, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';
import { createSshTarget, registerSshKey } from './support/ssh-fixtures';

interface ControlRequest {
  sessionId: string;
  from: string;
  username: string;
  expiresInMs: number;
}

/**
 * Request control and a message to the user, end to end: a real sshd behind the jump, the
 * session's user in real OpenSSH, viewers over socket.io `/live`. (The request's 30 s lapse is
 * proven with injected time in control-lock-requests.spec.ts; here a lapsed request and a denied
 * one are the same server path: `answer` finds no pending request.)
 */
describe.each(DATABASE_KINDS)('/live request control and message the user on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];

  const sshArgs = (login: string) => [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), `${login}@127.0.0.1`];
  const viewer = async (who: string) => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };
  const auditOf = async (sessionId: string) =>
    (await gw.http.get(`/api/audit?sessionId=${sessionId}&limit=500`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items as {
      action: string;
      actor: string;
      requestParameters?: Record<string, unknown>;
    }[];

  async function openSession(marker: string): Promise<{ user: InteractiveProcess; sessionId: string }> {
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs('alice+box')]);
    processes.push(user);
    user.write(`export PS1="$ "; echo ${marker}-$((1+1))\n`);
    await user.waitFor(`${marker}-2`);
    const sessions = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as { id: string }[]),
      (items) => items.length === 1,
    );
    return { user, sessionId: sessions[0].id };
  }

  beforeAll(async () => {
    dir = makeTempDir('vigil-request-control-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    tokens.admin = gw.adminToken;
    tokens.alice = await createUser(gw, 'alice');
    tokens.bob = await createUser(gw, 'bob', ['auditor'], ['shadow', 'interact']);
    tokens.dave = await createUser(gw, 'dave', ['auditor'], ['shadow', 'interact']);
    tokens.erin = await createUser(gw, 'erin', ['auditor'], ['shadow']);
    await registerSshKey(gw, tokens.alice, aliceKey);
    await createSshTarget(gw, sshd, targetKey);
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await gw.close();
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    processes.splice(0).forEach((p) => p.kill());
    sockets.splice(0).forEach((s) => s.close());
    // the next test's session is the only open one
    await eventually(
      () => gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as unknown[]),
      (items) => items.length === 0,
    );
  });

  it('request → the holder and the admins are asked → grant moves the lock: the requester types, the old holder is refused; forged answers fail; audited', async () => {
    const { user, sessionId } = await openSession('REQ');
    const bob = await viewer('bob');
    const dave = await viewer('dave');
    const admin = await viewer('admin');
    const bobAck = await bob.emitWithAck('attach', { sessionId, mode: 'interact' });
    const daveAck = await dave.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect((await admin.emitWithAck('attach', { sessionId, mode: 'view' })).ok).toBe(true);
    await expect(bob.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });

    const bobAsked = nextEvent<ControlRequest>(bob, 'control-request', (p) => p.sessionId === sessionId, 10_000);
    const adminAsked = nextEvent<ControlRequest>(admin, 'control-request', (p) => p.sessionId === sessionId, 10_000);
    let daveAskedHimself = 0;
    dave.on('control-request', () => daveAskedHimself++);
    await expect(dave.emitWithAck('control', { sessionId, action: 'request' })).resolves.toEqual({ ok: true });
    const asked = await bobAsked;
    expect(asked).toEqual({ sessionId, from: daveAck.viewerId, username: 'dave', expiresInMs: 30_000 });
    await expect(adminAsked).resolves.toEqual(asked);

    // forged answers: dave grants himself; a made-up id; bob's own id (no request); garbage
    await expect(dave.emitWithAck('control', { sessionId, action: 'grant', to: daveAck.viewerId })).resolves.toMatchObject({ ok: false, error: /forbidden/ });
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: 'AAAAAAAAAAAAAAAAAAAA' })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: bobAck.viewerId })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: { $ne: null } })).resolves.toMatchObject({ ok: false, error: /to must be/ });
    await expect(dave.emitWithAck('input', { sessionId, data: 'echo early\n' })).resolves.toEqual({ ok: false, error: 'input refused: take control first' });

    const closed = nextEvent<{ outcome: string; by: string }>(dave, 'control-request-closed', (p) => p.outcome === 'granted', 10_000);
    const moved = nextEvent<{ control: { holder: string | null } }>(admin, 'control', (p) => p.control.holder === daveAck.viewerId, 10_000);
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: daveAck.viewerId })).resolves.toEqual({ ok: true });
    await expect(closed).resolves.toMatchObject({ outcome: 'granted', by: 'bob' });
    await moved;
    await user.waitFor('[Vigil] dave took control of this session');
    await expect(dave.emitWithAck('input', { sessionId, data: 'echo granted-$((6*7))\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('granted-42');
    await expect(bob.emitWithAck('input', { sessionId, data: 'echo old-holder\n' })).resolves.toEqual({ ok: false, error: 'input refused: take control first' });
    // a replayed grant finds nothing; the lock stays
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: daveAck.viewerId })).resolves.toMatchObject({ ok: false, error: /forbidden|no pending/ });
    expect(daveAskedHimself).toBe(0);

    const audit = await eventually(() => auditOf(sessionId), (items) => items.some((a) => a.action === 'control.grant'));
    expect(audit.find((a) => a.action === 'control.request')).toMatchObject({ actor: 'user:dave' });
    expect(audit.find((a) => a.action === 'control.grant')).toMatchObject({ actor: 'user:bob', requestParameters: expect.objectContaining({ action: 'grant', to: 'dave' }) });
    expect(user.text).not.toContain('old-holder');
  }, 90_000);

  it('deny keeps the lock and tells the requester; a flood of requests asks once; a viewer without interact cannot ask', async () => {
    const { sessionId } = await openSession('DENY');
    const bob = await viewer('bob');
    const dave = await viewer('dave');
    const erin = await viewer('erin');
    const bobAck = await bob.emitWithAck('attach', { sessionId, mode: 'interact' });
    const daveAck = await dave.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect((await erin.emitWithAck('attach', { sessionId, mode: 'view' })).ok).toBe(true);
    await expect(bob.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await expect(erin.emitWithAck('control', { sessionId, action: 'request' })).resolves.toMatchObject({ ok: false, error: /interact mode/ });

    const asked: ControlRequest[] = [];
    bob.on('control-request', (p: ControlRequest) => asked.push(p));
    const answers = await Promise.all(Array.from({ length: 30 }, () => dave.emitWithAck('control', { sessionId, action: 'request' })));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).every((a) => /rate limited/.test(a.error))).toBe(true);
    await eventually(async () => asked.length, (n) => n >= 1);
    await sleep(300); // a second request would have arrived by now
    expect(asked).toHaveLength(1);

    const closed = nextEvent<{ outcome: string }>(dave, 'control-request-closed', () => true, 10_000);
    await expect(bob.emitWithAck('control', { sessionId, action: 'deny', to: daveAck.viewerId })).resolves.toEqual({ ok: true });
    await expect(closed).resolves.toMatchObject({ outcome: 'denied', by: 'bob' });
    // denied (as a lapsed one would be): it cannot be granted afterwards
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: daveAck.viewerId })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
    await expect(bob.emitWithAck('input', { sessionId, data: 'true\n' })).resolves.toEqual({ ok: true });
    await expect(dave.emitWithAck('input', { sessionId, data: 'true\n' })).resolves.toEqual({ ok: false, error: 'input refused: take control first' });
    expect(bobAck.ok).toBe(true);
    const audit = await eventually(() => auditOf(sessionId), (items) => items.some((a) => a.action === 'control.deny'));
    expect(audit.filter((a) => a.action === 'control.request')).toHaveLength(1);
  }, 90_000);

  it("a grant cannot reach another session's viewer: a request is per session", async () => {
    const { sessionId } = await openSession('CROSS');
    const bob = await viewer('bob');
    const dave = await viewer('dave');
    await bob.emitWithAck('attach', { sessionId, mode: 'interact' });
    await bob.emitWithAck('control', { sessionId, action: 'take' });
    // dave's request is on a session he is not attached to: refused, nothing asked
    await expect(dave.emitWithAck('control', { sessionId, action: 'request' })).resolves.toEqual({ ok: false, error: 'not attached to this session' });
    const daveAck = await dave.emitWithAck('attach', { sessionId, mode: 'view' });
    await expect(bob.emitWithAck('control', { sessionId, action: 'grant', to: daveAck.viewerId })).resolves.toMatchObject({ ok: false, error: /no pending request/ });
  }, 90_000);

  it('a message reaches the user as one [Vigil] line, is in the recording and the audit, sanitised and rate-limited', async () => {
    const { user, sessionId } = await openSession('MSG');
    const admin = await viewer('admin');
    const erin = await viewer('erin');
    expect((await admin.emitWithAck('attach', { sessionId, mode: 'view' })).ok).toBe(true);
    expect((await erin.emitWithAck('attach', { sessionId, mode: 'view' })).ok).toBe(true);
    await expect(erin.emitWithAck('message', { sessionId, text: 'hi' })).resolves.toMatchObject({ ok: false, error: /interact/ });
    await expect(admin.emitWithAck('message', { sessionId, text: 'x'.repeat(201) })).resolves.toMatchObject({ ok: false, error: /at most 200/ });
    await expect(admin.emitWithAck('message', { sessionId, text: 'please save\u001b[2J your work\r\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('[Vigil] message from admin: please save [2J your work');
    expect(user.text).not.toContain('\u001b[2J your');

    // a flood: a few pass, the rest are refused and never reach the terminal
    const flood = await Promise.all(Array.from({ length: 10 }, (_, i) => admin.emitWithAck('message', { sessionId, text: `flood-${i}` })));
    const passed = flood.filter((a) => a.ok).length;
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(3);
    expect(flood.filter((a) => !a.ok).every((a) => /rate limited/.test(a.error))).toBe(true);
    await sleep(500);
    expect(user.text.match(/message from admin: flood-/g)?.length ?? 0).toBe(passed);

    const audit = await eventually(() => auditOf(sessionId), (items) => items.filter((a) => a.action === 'user.message').length === 1 + passed);
    expect(audit.find((a) => a.requestParameters?.text === 'please save [2J your work')).toMatchObject({ action: 'user.message', actor: 'user:admin' });

    user.write('exit\n');
    await user.exited;
    const entry = await eventually(
      () => gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body as { recordingUrl: string | null }),
      // until the entry exists (a 404's body has no recordingUrl) and its recording is linked
      (e) => typeof e.recordingUrl === 'string',
    );
    const cast = await gw.http.get(entry.recordingUrl!).auth(gw.adminToken, { type: 'bearer' }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    fs.writeFileSync(path.join(dir, `${sessionId}.cast`), cast.body as Buffer);
    expect((cast.body as Buffer).toString('utf8')).toContain('message from admin: please save [2J your work');
  }, 90_000);
});
