import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { replayToScreen } from '@vigil/recording';
import { DATABASE_KINDS } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd, writeAskpass } from './support/sshd';
import { findFile } from './support/find-file';
import { JumpProcess } from './support/jump-process';
import { STREAMED_BYTES, runStalledViewer } from './support/stalled-viewer';
import { InteractiveProcess, screenOf } from './support/terminal';
import { TestGateway, connectSocket, createUser, login, nextEvent, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';
import { createSshTarget, registerSshKey } from './support/ssh-fixtures';

interface Entry {
  id: string;
  type: string;
  user: string;
  client: string;
  serviceProvider: string;
  endReason: string;
  endedBy: string | null;
  endMessage: string | null;
  recordingUrl: string | null;
}

/** Waits until a process has printed nothing new for `quietMs`. */
async function quiet(process: InteractiveProcess, quietMs = 250): Promise<void> {
  let last = -1;
  while (process.output.length !== last) {
    last = process.output.length;
    await sleep(quietMs);
  }
}


/**
 * The whole path with real OpenSSH: `ssh alice+box@jump` → Vigil's jump (embedded in the
 * gateway) → a real sshd; registry, recording, and viewers over socket.io `/live`.
 */
describe.each(DATABASE_KINDS)('SSH jump and live shadowing on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];

  const sshArgs = (login: string, ...rest: string[]) => [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), `${login}@127.0.0.1`, ...rest];
  const viewer = async (who: string) => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };
  const entryOf = (id: string) => gw.http.get(`/api/access-logs/${id}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body as Entry);

  beforeAll(async () => {
    dir = makeTempDir('vigil-ssh-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    tokens.admin = gw.adminToken;
    tokens.alice = await createUser(gw, 'alice');
    tokens.bob = await createUser(gw, 'bob', ['auditor'], ['shadow']);
    tokens.carol = await createUser(gw, 'carol', ['owner'], ['shadow', 'interact']);
    tokens.dave = await createUser(gw, 'dave', ['auditor'], ['shadow', 'interact']);
    await registerSshKey(gw, tokens.alice, aliceKey);
    await createSshTarget(gw, sshd, targetKey);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await gw.close();
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command through the jump: output, exit code, registry entry, pinned host key', async () => {
    const result = await run('ssh', sshArgs('alice+box', 'echo hello-from-target; exit 3'));
    expect(result.stdout).toBe('hello-from-target\n');
    expect(result.code).toBe(3);

    const targets = await gw.http.get('/api/targets').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(targets.body[0].hostKeySha256).toBe(sshd.hostKey.fingerprint);
    const log = await eventually(
      () => gw.http.get('/api/access-logs?target=box').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as Entry[]),
      (items) => items.length === 1 && items[0].recordingUrl !== null,
    );
    expect(log[0]).toMatchObject({ type: 'PAM_SSH', user: 'alice', serviceProvider: 'box', endReason: 'ended' });
  });

  it('refuses scp and sftp by default, with the reason', async () => {
    const file = path.join(dir, 'payload.txt');
    fs.writeFileSync(file, 'data');
    const scp = await run('scp', [...sshClientOptions(aliceKey.privatePath), '-P', String(gw.jumpPort), file, 'alice+box@127.0.0.1:/tmp/vigil-scp-test']);
    expect(scp.code).not.toBe(0);
    expect(scp.stderr).toContain('Vigil: SFTP/SCP is disabled for target "box" by policy.');
    const sftp = await run('sftp', [...sshClientOptions(aliceKey.privatePath), '-P', String(gw.jumpPort), 'alice+box@127.0.0.1'], { input: 'ls\n' });
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain('SFTP/SCP is disabled');
  });

  it('refuses bad logins with a reason: malformed name, unknown target, wrong password (rate-limited)', async () => {
    const malformed = await run('ssh', sshArgs('alicebox', 'true'));
    expect(malformed.code).toBe(255);
    expect(malformed.stderr).toContain('Vigil: invalid login name');
    const unknown = await run('ssh', sshArgs('alice+nowhere', 'true'));
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toContain('Vigil: unknown target "nowhere"');

    const askpass = writeAskpass(dir, 'wrong-password', 'not-the-password');
    const passwordArgs = [...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), 'carol+box@127.0.0.1', 'true'];
    const env = { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
    let last = await run('ssh', passwordArgs, { env });
    for (let i = 0; i < 6 && !last.stderr.includes('too many failed password attempts'); i++) last = await run('ssh', passwordArgs, { env });
    expect(last.code).toBe(255);
    expect(last.stderr).toContain('Vigil: too many failed password attempts');
  });

  it('a viewer joining mid-session gets the exact screen; view cannot type; interact types with control; lock hand-off; terminate', async () => {
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs('alice+box')]);
    processes.push(user);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2');
    user.write("printf '\\033[2J\\033[H\\033[5;10Hmarker-A\\033[12;3Hline-B'; sleep 0.2; echo; echo DRAWN-$((2+2))\n");
    await user.waitFor('DRAWN-4');
    await quiet(user);

    const sessions = await gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).expect(200);
    expect(sessions.body.items).toHaveLength(1);
    const sessionId: string = sessions.body.items[0].id;

    // Not visible or not allowed: no leak of existence, clear refusals.
    const carol = await viewer('carol');
    await expect(carol.emitWithAck('attach', { sessionId, mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });
    const bob = await viewer('bob');
    await expect(bob.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: false, error: /interact privilege/ });
    await expect(bob.emitWithAck('attach', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });

    // The admin watches: the screen in the ack is the user's screen.
    const ownerPage = await connectSocket(gw.url, '/sessions', tokens.alice);
    sockets.push(ownerPage);
    const watchedEvent = nextEvent<{ sessionId: string; viewers: { username: string }[] }>(ownerPage, 'session.viewers', (p) => p.sessionId === sessionId);
    const admin = await viewer('admin');
    const adminOutput: string[] = [];
    admin.on('output', (p: { data: string }) => adminOutput.push(p.data));
    // The user's screen at the moment of joining (the session is quiet; the join notice comes after).
    const userScreenAtJoin = user.stdout;
    const ack = await admin.emitWithAck('attach', { sessionId, mode: 'view' });
    expect(ack).toMatchObject({ ok: true, kind: 'ssh', sessionId });
    const expected = await screenOf(userScreenAtJoin, ack.cols, ack.rows);
    const received = await screenOf(ack.screen, ack.cols, ack.rows);
    expect(received.lines).toEqual(expected.lines);
    expect(ack.screen).toBe(expected.screen);
    expect(received.lines[4]).toBe(`${' '.repeat(9)}marker-A`);
    expect(received.lines[11]).toBe('  line-B');
    await user.waitFor('[Vigil] admin started watching this session (view)');
    // ...and the viewer sees that notice too, as live output after its screen
    await eventually(async () => adminOutput.join(''), (text) => text.includes('admin started watching'));
    expect(adminOutput.join('')).toContain('[Vigil] admin started watching this session (view)');

    // the sessions page of the session's owner learns who is watching
    expect((await watchedEvent).viewers).toEqual([{ username: 'admin', mode: 'view' }]);

    await expect(admin.emitWithAck('input', { sessionId, data: 'echo nope\n' })).resolves.toEqual({ ok: false, error: 'input refused: attached in view mode' });

    // Interact: take control, type, see it run on the target and reach viewers.
    const reattached = await admin.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect(reattached.ok).toBe(true);
    await expect(admin.emitWithAck('input', { sessionId, data: 'echo x\n' })).resolves.toEqual({ ok: false, error: 'input refused: take control first' });
    await expect(admin.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    // watching is announced here, so every change of who may type is too, saying the user keeps their keyboard
    await user.waitFor('[Vigil] admin took control of this session: their keys reach your shell too (you keep your keyboard)');
    await expect(admin.emitWithAck('input', { sessionId, data: 'echo typed-$((40+2))\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('typed-42');
    // paused: told at once, and a key typed meanwhile is dropped with a reminder, not silently
    await expect(admin.emitWithAck('control', { sessionId, action: 'pause-user' })).resolves.toEqual({ ok: true });
    await user.waitFor('[Vigil] admin paused your keyboard: what you type is not sent until it is resumed');
    user.write('echo lost-$((1+1))');
    await user.waitFor('[Vigil] Your keyboard is paused by a viewer');
    expect(user.text).not.toContain('lost-');
    await expect(admin.emitWithAck('control', { sessionId, action: 'resume-user' })).resolves.toEqual({ ok: true });
    await user.waitFor('[Vigil] admin resumed your keyboard');
    await eventually(async () => adminOutput.join(''), (text) => text.includes('typed-42'));

    // One interactor at a time: dave waits for the hand-back.
    const dave = await viewer('dave');
    const viewersSeen = nextEvent<{ viewers: { username: string }[] }>(admin, 'viewers', (p) => p.viewers.some((v) => v.username === 'dave'));
    await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: false, error: 'control is held by another viewer' });
    await expect(dave.emitWithAck('control', { sessionId, action: 'pause-user' })).resolves.toMatchObject({ ok: false, error: /only admins/ });
    await expect(admin.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
    await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await expect(dave.emitWithAck('input', { sessionId, data: 'echo dave-$((3*3))\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('dave-9');
    await expect(admin.emitWithAck('input', { sessionId, data: 'echo x\n' })).resolves.toEqual({ ok: false, error: 'input refused: take control first' });
    // bob's refused attaches do not make him a viewer
    expect((await viewersSeen).viewers.map((v) => v.username).sort()).toEqual(['admin', 'dave']);

    // a sessions page opened now loads who is watching; only for sessions its user may see
    const watching = await gw.http.get('/api/live/watchers').auth(tokens.alice, { type: 'bearer' }).expect(200);
    expect(watching.body.items).toHaveLength(1);
    expect(watching.body.items[0].sessionId).toBe(sessionId);
    expect([...watching.body.items[0].viewers].sort((a: { username: string }, b: { username: string }) => a.username.localeCompare(b.username))).toEqual([
      { username: 'admin', mode: 'interact' },
      { username: 'dave', mode: 'interact' },
    ]);
    await gw.http.get('/api/live/watchers').auth(tokens.carol, { type: 'bearer' }).expect(200, { items: [] });
    await gw.http.get('/api/live/watchers').expect(401);
  });

  it('a viewer that stops reading is skipped (bounded buffers, nobody slowed) and gets a fresh screen once it reads again', async () => {
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs('alice+box')]);
    processes.push(user);
    user.write('echo READY-$((4+4))\n');
    await user.waitFor('READY-8');
    const sessions = await gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).expect(200);
    const sessionId: string = sessions.body.items[0].id;
    try {
      // raw-protocol viewers: the gateway runs in this process too, so the reading one must cost little
      const run = await runStalledViewer({
        readingUrl: gw.url,
        stalledUrl: gw.url,
        token: tokens.admin,
        sessionId,
        user,
        endMarker: 'STREAMED-49',
        endCommand: 'echo STREAMED-$((7*7))',
      });
      expect(run.readingReachedEnd).toBe(true);
      expect(run.stalledResynced).toBe(true);
      expect(run.stalledCaughtUp).toBe(true);
      // bounded: it was sent what the kernel and the high-water mark hold, not the stream
      expect(run.stalledReceivedBytes).toBeLessThan(STREAMED_BYTES * 0.75);
    } finally {
      user.write('exit\n');
      await user.exited;
    }
  }, 120_000);

  it('garbage socket payloads get clear errors', async () => {
    const socket = await viewer('admin');
    await expect(socket.emitWithAck('attach', 'nonsense')).resolves.toEqual({ ok: false, error: 'payload must be an object' });
    await expect(socket.emitWithAck('attach', { sessionId: 'x', mode: 'view' })).resolves.toEqual({ ok: false, error: 'sessionId must be a UUID' });
    await expect(socket.emitWithAck('attach', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', mode: 'watch' })).resolves.toEqual({
      ok: false,
      error: 'mode must be "view" or "interact"',
    });
    await expect(socket.emitWithAck('attach', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', mode: 'view', x: 1 })).resolves.toEqual({
      ok: false,
      error: 'unknown field(s): x',
    });
    await expect(socket.emitWithAck('input', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', data: 'ls\n' })).resolves.toEqual({
      ok: false,
      error: 'not attached to this session',
    });
    await expect(socket.emitWithAck('control', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', action: 'steal' })).resolves.toMatchObject({
      ok: false,
      error: /action must be one of/,
    });
    await expect(connectSocket(gw.url, '/live', 'vgu_forged')).rejects.toThrow(/unauthorized/);
  });

  it('terminate from /live closes the user within 1 s with the reason; the recording replays to the same screen and detects tampering', async () => {
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs('alice+box')]);
    processes.push(user);
    user.write('export PS1="$ "; echo READY-$((5+5))\n');
    await user.waitFor('READY-10');
    user.write("printf '\\033[2J\\033[3;4Hfinal-screen'; echo\n");
    await user.waitFor('final-screen');
    await quiet(user);
    const sessions = await gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).expect(200);
    const sessionId: string = sessions.body.items[0].id;

    const admin = await viewer('admin');
    expect((await admin.emitWithAck('attach', { sessionId, mode: 'view' })).ok).toBe(true);
    const ended = nextEvent<{ sessionId: string; reason: string }>(admin, 'ended');
    const requested = Date.now();
    await expect(admin.emitWithAck('terminate', { sessionId, reason: 'Policy violation: unapproved change' })).resolves.toEqual({ ok: true });
    const exit = await user.exited;
    expect(exit.at - requested).toBeLessThan(1000);
    expect(user.text).toContain('Policy violation: unapproved change');
    await expect(ended).resolves.toMatchObject({ sessionId, reason: 'terminated' });

    const entry = await eventually(() => entryOf(sessionId), (e) => e.recordingUrl !== null);
    expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin', endMessage: 'Policy violation: unapproved change' });

    const cast = await gw.http.get(entry.recordingUrl!).auth(tokens.alice, { type: 'bearer' }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(cast.headers['content-type']).toMatch(/application\/x-asciicast/);
    const castFile = path.join(dir, `${sessionId}.cast`);
    fs.writeFileSync(castFile, cast.body as Buffer);
    const replayed = await replayToScreen(castFile);
    const seen = await screenOf(user.stdout, replayed.cols, replayed.rows);
    expect(replayed.screen).toBe(seen.screen);
    expect(seen.lines[2]).toBe('   final-screen');

    const verified = await gw.http.get(`${entry.recordingUrl}/verify`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(verified.body.ok).toBe(true);
    const stored = findFile(path.join(gw.db.env.VIGIL_DATA_DIR, 'recordings'), `${sessionId}.vcast`)!;
    fs.appendFileSync(stored, '[0.5, "o", "forged"]\n');
    const tampered = await gw.http.get(`${entry.recordingUrl}/verify`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(tampered.body.ok).toBe(false);
    await gw.http.get(entry.recordingUrl!).auth(tokens.carol, { type: 'bearer' }).expect(404);

    const audit = await gw.http.get(`/api/audit?sessionId=${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['session.start', 'viewer.join', 'session.terminate']));
  });

  it('the standalone jump (apps/jump) registers, records and ends sessions in the shared database', async () => {
    const jump = await JumpProcess.start(gw.db.env);
    try {
      const result = await run('ssh', [...sshClientOptions(aliceKey.privatePath), '-p', String(jump.port), 'alice+box@127.0.0.1', 'echo via-standalone-jump']);
      expect(result.stdout).toBe('via-standalone-jump\n');
      const entry = await eventually(
        () => gw.http.get('/api/access-logs?q=alice&limit=1').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.items[0] as Entry),
        (e) => e?.recordingUrl !== null && e.endReason === 'ended',
      );
      const verified = await gw.http.get(`${entry.recordingUrl}/verify`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
      expect(verified.body.ok).toBe(true);
      const cast = await gw.http.get(entry.recordingUrl!).auth(gw.adminToken, { type: 'bearer' }).buffer(true).parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done(null, text));
      });
      expect(cast.body as string).toContain('via-standalone-jump');
    } finally {
      await jump.stop();
    }
  });

  it('a terminate the standalone jump finds in the registry (no Redis: its poll) shows the same notice to the user and in the recording', async () => {
    const jump = await JumpProcess.start(gw.db.env);
    try {
      const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(jump.port), 'alice+box@127.0.0.1']);
      processes.push(user);
      user.write('export PS1="$ "; echo READY-$((6+6))\n');
      await user.waitFor('READY-12');
      await quiet(user);
      const sessions = await gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).expect(200);
      const sessionId: string = sessions.body.items[0].id;

      const requested = Date.now();
      await gw.http.post(`/api/sessions/${sessionId}/terminate`).auth(gw.adminToken, { type: 'bearer' }).send({ reason: 'found by the poll' }).expect(202);
      await user.waitFor('Session terminated by admin: found by the poll', 5_000);
      const noticed = Date.now() - requested;
      const exit = await user.exited;
      // The standalone jump without Redis learns of the end by reading the registry (every 400 ms).
      console.log(`terminate latency, standalone jump without Redis (registry poll): notice seen within ${noticed} ms, connection closed after ${exit.at - requested} ms`);
      expect(exit.at - requested).toBeLessThan(2_000);

      const entry = await eventually(() => entryOf(sessionId), (e) => e.recordingUrl !== null);
      expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin', endMessage: 'found by the poll' });
      const cast = await gw.http.get(entry.recordingUrl!).auth(gw.adminToken, { type: 'bearer' }).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      const castFile = path.join(dir, `${sessionId}.cast`);
      fs.writeFileSync(castFile, cast.body as Buffer);
      const replayed = await replayToScreen(castFile);
      const seen = await screenOf(user.stdout, replayed.cols, replayed.rows);
      // the recording shows exactly what the user saw, the jump's notice included
      expect(replayed.screen).toContain('[Vigil] Session terminated by admin: found by the poll');
      expect(replayed.screen).toBe(seen.screen);
    } finally {
      await jump.stop();
    }
  });

  it('lets a user log in with a password too', async () => {
    const password = 'alice-password';
    const askpass = writeAskpass(dir, 'alice-password', password);
    const result = await run(
      'ssh',
      [...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-p', String(gw.jumpPort), 'alice+box@127.0.0.1', 'echo via-password'],
      { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } },
    );
    expect(result.stdout).toBe('via-password\n');
    expect(await login(gw.http, 'alice', password)).toMatch(/^vgu_/);
  });
});
