import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { parseViewerInputMarker, readAsciicast, replayToScreen, verifyRecording } from '@vigil/recording';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { findFile } from './support/find-file';
import { GatewayProcess } from './support/gateway-process';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, connectSocket, createUser, login, startTestGateway } from './support/test-gateway';
import request from 'supertest';
import { eventually, sleep } from './support/wait';
import { createSshTarget, registerSshKey } from './support/ssh-fixtures';

interface Entry {
  id: string;
  user: string;
  owner: string;
  endReason: string;
  endMessage: string | null;
  recordingUrl: string | null;
  recordingStatus: string | null;
}
interface AuditItem {
  actor: string;
  action: string;
  sessionId: string | null;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  userIdentity: { userName?: string };
  sourceIPAddress: string;
  requestParameters: Record<string, unknown>;
}
type Http = ReturnType<typeof request>;

/** GET of an asciicast body (supertest does not buffer unknown content types by itself). */
function getCast(http: Http, url: string, token: string) {
  return http
    .get(url)
    .auth(token, { type: 'bearer' })
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(null, text));
    });
}

/** The admin token of the gateway the current suite drives (set in each beforeAll). */
const ADMIN_TOKEN = { value: '' };
const auditOf = (http: Http, sessionId: string) =>
  http.get(`/api/audit?sessionId=${sessionId}`).auth(ADMIN_TOKEN.value, { type: 'bearer' }).then((r) => r.body.items as AuditItem[]);

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

/**
 * Recordings as evidence: who may read them (the live DVR and sealed ones follow /live's rule and
 * are audited), viewers' keystrokes attributed, sessions refused when no recording can be opened.
 */
describe.each(DATABASE_KINDS)('recording access and integrity on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];

  const sshArgs = (login: string, ...rest: string[]) => [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), `${login}@127.0.0.1`, ...rest];
  const entryOf = (id: string) => gw.http.get(`/api/access-logs/${id}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body as Entry);
  const recordingsDir = () => path.join(gw.db.env.VIGIL_DATA_DIR, 'recordings');

  /** An interactive shell as alice on `target`, with its registry id. */
  async function openShell(target: string): Promise<{ user: InteractiveProcess; sessionId: string }> {
    const before = new Set(await openSessionIds());
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs(`alice+${target}`)]);
    processes.push(user);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2');
    const ids = await eventually(openSessionIds, (list) => list.some((id) => !before.has(id)));
    const sessionId = ids.find((id) => !before.has(id));
    if (!sessionId) throw new Error('the session was not registered');
    return { user, sessionId };
  }
  const openSessionIds = () =>
    gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).then((r) => (r.body.items as { id: string }[]).map((s) => s.id));

  async function closeShell(user: InteractiveProcess, sessionId: string): Promise<Entry> {
    user.write('exit\n');
    await user.exited;
    return eventually(() => entryOf(sessionId), (e) => e.recordingStatus !== null && e.recordingStatus !== undefined);
  }

  beforeAll(async () => {
    dir = makeTempDir('vigil-recording-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    ADMIN_TOKEN.value = gw.adminToken;
    tokens.admin = gw.adminToken;
    tokens.alice = await createUser(gw, 'alice', ['owner']); // the SSH user; no privilege at all
    tokens.olga = await createUser(gw, 'olga', ['owner']); // owns olga-box's sessions; no privilege at all
    tokens.bob = await createUser(gw, 'bob', ['owner'], ['shadow']); // another owner: not even shadow lets him see
    tokens.audrey = await createUser(gw, 'audrey', ['auditor']); // sees every session, without shadow
    tokens.sam = await createUser(gw, 'sam', ['auditor'], ['shadow']);
    tokens.dave = await createUser(gw, 'dave', ['auditor'], ['shadow', 'interact']);
    await registerSshKey(gw, tokens.alice, aliceKey);
    await createSshTarget(gw, sshd, targetKey);
    await createSshTarget(gw, sshd, targetKey, { name: 'olga-box', owner: 'olga', users: ['alice'] });
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await gw.close();
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the live DVR follows /live attach's rule: owner, or admin/auditor with shadow; audited once per viewing; the user is told", async () => {
    const { user, sessionId } = await openShell('olga-box');
    user.write('echo DVR-MARK-$((2+3))\n');
    await user.waitFor('DVR-MARK-5');
    const url = `/api/sessions/${sessionId}/recording`;
    // flushed to disk within about a second
    const first = await eventually(() => getCast(gw.http, url, tokens.olga), (r) => r.status === 200 && String(r.body).includes('DVR-MARK-5'));
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain('application/x-asciicast');

    // The session's owner reads it without any privilege; being its owner is the right. Its user is told.
    await user.waitFor("[Vigil] olga is watching this session's recording (rewind)");
    // admins, and auditors holding shadow, too
    for (const who of ['sam', 'admin']) {
      const res = await getCast(gw.http, url, tokens[who]);
      expect(res.status).toBe(200);
      expect(String(res.body)).toContain('DVR-MARK-5');
      await user.waitFor(`[Vigil] ${who} is watching this session's recording (rewind)`);
    }
    // An auditor without shadow may see the session listed, not watch it: 403 with the reason.
    const audrey = await gw.http.get(url).auth(tokens.audrey, { type: 'bearer' }).expect(403);
    expect(audrey.body.message).toMatch(/shadow privilege/);
    // Who may not see the session is told it does not exist, whatever privilege they hold;
    // alice (its user, not its owner) does not see it in the registry either.
    for (const who of ['bob', 'alice']) await gw.http.get(url).auth(tokens[who], { type: 'bearer' }).expect(404);
    await gw.http.get('/api/sessions/0190e0b1-0000-7000-8000-000000000000/recording').auth(tokens.admin, { type: 'bearer' }).expect(404);
    await gw.http.get(url).expect(401);

    // A flood of reads is one viewing: one audit record, one notice.
    for (let i = 0; i < 25; i++) await getCast(gw.http, url, tokens.sam).expect(200);
    await sleep(500);
    expect(countOf(user.text, 'sam is watching')).toBe(1);
    const audit = await eventually(() => auditOf(gw.http, sessionId), (items) => items.filter((i) => i.action === 'recording.view').length >= 3);
    const views = audit.filter((i) => i.action === 'recording.view');
    expect(views.map((v) => v.actor).sort()).toEqual(['user:admin', 'user:olga', 'user:sam']);
    views.forEach((v) =>
      expect(v).toMatchObject({
        eventName: 'ViewRecording',
        eventSource: 'vigil.recordings',
        readOnly: true,
        userIdentity: { userName: v.actor.slice('user:'.length) },
        sourceIPAddress: '127.0.0.1',
        requestParameters: { sessionId, live: true },
      }),
    );

    // Ended: the sealed recording follows the same rule, and each viewing is audited.
    const entry = await closeShell(user, sessionId);
    expect(entry).toMatchObject({ owner: 'olga', endReason: 'ended', recordingStatus: 'complete' });
    for (const who of ['olga', 'sam', 'admin']) {
      const res = await getCast(gw.http, entry.recordingUrl!, tokens[who]);
      expect(res.status).toBe(200);
      expect(res.headers['x-vigil-recording-status']).toBe('complete');
      expect(String(res.body)).toContain('DVR-MARK-5');
    }
    await gw.http.get(entry.recordingUrl!).auth(tokens.audrey, { type: 'bearer' }).expect(403);
    for (const who of ['bob', 'alice']) await gw.http.get(entry.recordingUrl!).auth(tokens[who], { type: 'bearer' }).expect(404);
    // verifying reads no content: whoever sees the entry may check its hash
    await expect(gw.http.get(`${entry.recordingUrl}/verify`).auth(tokens.audrey, { type: 'bearer' }).then((r) => r.body)).resolves.toMatchObject({ ok: true });
    const sealedViews = await eventually(
      () => auditOf(gw.http, sessionId),
      (items) => items.filter((i) => i.action === 'recording.view' && i.requestParameters.live === false).length >= 3,
    );
    expect(sealedViews.filter((i) => i.action === 'recording.view' && i.requestParameters.live === false).map((v) => v.actor).sort()).toEqual(['user:admin', 'user:olga', 'user:sam']);
    // no refused read left a trace as a viewing
    expect(sealedViews.filter((i) => i.action === 'recording.view' && /audrey|bob|alice/.test(i.actor))).toEqual([]);

    // A download is its own kind of read: an attachment, recorded as DownloadRecording (once per window), refused as a view is.
    for (let i = 0; i < 3; i++) {
      const res = await getCast(gw.http, `${entry.recordingUrl}?download=true`, tokens.sam).expect(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${entry.id}.cast"`);
      expect(String(res.body)).toContain('DVR-MARK-5');
    }
    await gw.http.get(`${entry.recordingUrl}?download=true`).auth(tokens.audrey, { type: 'bearer' }).expect(403);
    const downloads = (await auditOf(gw.http, sessionId)).filter((i) => i.action === 'recording.download');
    expect(downloads).toEqual([expect.objectContaining({ actor: 'user:sam', eventName: 'DownloadRecording', readOnly: true, requestParameters: { sessionId, live: false } })]);
  });

  it("records a viewer's keystrokes under the viewer's name, never as the user's", async () => {
    const { user, sessionId } = await openShell('box');
    const dave = await connectSocket(gw.url, '/live', tokens.dave);
    sockets.push(dave);
    await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await expect(dave.emitWithAck('input', { sessionId, data: 'echo VIEWER-$((6*7))\r' })).resolves.toEqual({ ok: true });
    await user.waitFor('VIEWER-42');
    await expect(dave.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
    user.write('echo USER-$((1+1))\n');
    await user.waitFor('USER-2');
    const entry = await closeShell(user, sessionId);

    const file = findFile(recordingsDir(), `${sessionId}.vcast`)!;
    const { events } = await readAsciicast(file);
    const userInput = events.filter((e) => e.code === 'i').map((e) => e.data).join('');
    expect(userInput).toContain('echo USER-$((1+1))');
    expect(userInput).not.toContain('VIEWER');
    const viewerInput = events.flatMap((e) => (e.code === 'm' ? [parseViewerInputMarker(e.data)] : [])).filter((v) => v !== undefined);
    expect(viewerInput).toEqual([{ viewer: 'dave', data: 'echo VIEWER-$((6*7))\r' }]);
    // still a valid recording for every reader: verifies, and replays (markers are skipped) to the output
    await expect(verifyRecording(file, (await gw.http.get(`${entry.recordingUrl}/verify`).auth(tokens.admin, { type: 'bearer' })).body.sha256)).resolves.toBe(true);
    expect((await replayToScreen(file)).screen).toContain('VIEWER-42');
  });

  it('refuses a session whose recording cannot be opened and ends it in the registry (reason failed)', async () => {
    const root = recordingsDir();
    const aside = `${root}.aside`;
    fs.renameSync(root, aside);
    fs.writeFileSync(root, 'not a folder'); // every recording path now runs into a file: ENOTDIR
    try {
      const before = new Set(await openSessionIds());
      const result = await run('ssh', sshArgs('alice+box', 'echo must-not-run'));
      expect(result.code).not.toBe(0);
      expect(result.stdout).not.toContain('must-not-run');
      expect(result.stderr).toContain('Vigil: the session could not be registered; refusing to start it.');
      // nothing is left Connected
      expect((await openSessionIds()).filter((id) => !before.has(id))).toEqual([]);
      const latest = await gw.http.get('/api/access-logs?user=alice&limit=1').auth(tokens.admin, { type: 'bearer' }).expect(200);
      expect(latest.body.items[0]).toMatchObject({ endReason: 'failed', recordingUrl: null, recordingStatus: null });
      expect(latest.body.items[0].endMessage).toBe("the session's recording could not be opened (not a directory (ENOTDIR)); the session was refused");
      expect(latest.body.items[0].endMessage).not.toContain(root); // the cause, not the layout
    } finally {
      fs.rmSync(root, { force: true });
      fs.renameSync(aside, root);
    }
    // and with the folder back, sessions run again
    const ok = await run('ssh', sshArgs('alice+box', 'echo runs-again'));
    expect(ok.stdout).toBe('runs-again\n');
  });
});

/**
 * The recording fails for real mid-session: the gateway runs as its own process, and once the
 * session is flowing its file-size limit (RLIMIT_FSIZE, `prlimit`) is lowered below what the
 * session writes, so the recording's next write gets EFBIG from the kernel. The database's files
 * stay far below the limit (SQLite's WAL is checkpointed at 16 MB; PostgreSQL is another process).
 */
describe.each(DATABASE_KINDS)('a recording that fails mid-session on %s', (kind) => {
  const LIMIT_BYTES = 32 * 1024 * 1024;
  /**
   * NUL bytes are stored as they are (framed recording: 11 bytes per frame on top): 34 MB, just
   * past the limit, so the failure comes near the end of the output, as the user's notice needs
   * the client to have read what is still queued ahead of it.
   */
  const ZEROS = 34_000_000;
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let db: TestDatabase;
  let gateway: GatewayProcess;
  let http: Http;
  let jumpPort: number;

  const sshArgs = (login: string, ...rest: string[]) => [...sshClientOptions(aliceKey.privatePath), '-p', String(jumpPort), `${login}@127.0.0.1`, ...rest];
  const latestEntry = () => http.get('/api/access-logs?user=alice&limit=1').auth(ADMIN_TOKEN.value, { type: 'bearer' }).then((r) => r.body.items[0] as Entry | undefined);

  beforeAll(async () => {
    dir = makeTempDir('vigil-recording-fault');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    db = await createTestDatabase(kind);
    gateway = await GatewayProcess.start({ ...db.env, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' });
    jumpPort = Number(/ssh jump listening on (\d+)/.exec(gateway.output())![1]);
    http = request(gateway.url);
    ADMIN_TOKEN.value = await login(http, ADMIN.username, ADMIN.password);
    const admin = ADMIN_TOKEN.value;
    await http.post('/api/users').auth(admin, { type: 'bearer' }).send({ username: 'alice', password: 'alice-password', roles: ['owner'], privileges: [] }).expect(201);
    const alice = await login(http, 'alice', 'alice-password');
    await http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    const target = { host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } };
    await http.post('/api/targets').auth(admin, { type: 'bearer' }).send({ ...target, name: 'strict-box' }).expect(201);
    await http.post('/api/targets').auth(admin, { type: 'bearer' }).send({ ...target, name: 'lax-box', policy: { strictRecording: false } }).expect(201);
    // From now on no file of the gateway may grow past LIMIT_BYTES.
    execFileSync('prlimit', ['--pid', String(gateway.child.pid), `--fsize=${LIMIT_BYTES}`]);
  });

  afterAll(async () => {
    await gateway?.kill();
    await db?.drop();
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on a strict target (the default) ends the session at once with a notice naming the failure, audited', async () => {
    const started = Date.now();
    const result = await run('ssh', sshArgs('alice+strict-box', `head -c ${ZEROS} /dev/zero; sleep 60; echo survived`), { timeoutMs: 55_000 });
    expect(Date.now() - started).toBeLessThan(45_000); // ended by Vigil, not by the command's end
    expect(result.stdout).not.toContain('survived');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      '[Vigil] The recording of this session failed (file too large (EFBIG)). Target "strict-box" requires recording, so the session has been ended.',
    );
    const entry = await eventually(latestEntry, (e) => e?.recordingStatus != null);
    expect(entry).toMatchObject({ endReason: 'failed', recordingStatus: 'incomplete' });
    expect(entry!.endMessage).toContain('The recording of this session failed (file too large (EFBIG))');
    // what was written before the failure is kept, hashed as it is on disk: it verifies
    expect(entry!.recordingUrl).not.toBeNull();
    await expect(http.get(`${entry!.recordingUrl}/verify`).auth(ADMIN_TOKEN.value, { type: 'bearer' }).then((r) => r.body.ok)).resolves.toBe(true);
    const stored = findFile(path.join(db.env.VIGIL_DATA_DIR, 'recordings'), `${entry!.id}.vcast`)!;
    expect(fs.statSync(stored).size).toBeLessThanOrEqual(LIMIT_BYTES);
    // the record is committed with the failure; the hash chain takes it in just after (poll: a loaded machine)
    const failed = (await eventually(() => auditOf(http, entry!.id), (items) => items.some((i) => i.action === 'recording.failed'), 30_000)).filter((i) => i.action === 'recording.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].actor).toMatch(/^agent:/);
    expect(failed[0].requestParameters).toMatchObject({ cause: 'file too large (EFBIG)', strict: true, user: 'alice', target: 'strict-box', outcome: 'session ended' });
  });

  it('on a non-strict target lets the session continue, audits the failure and marks the recording incomplete', async () => {
    const result = await run('ssh', sshArgs('alice+lax-box', `head -c ${ZEROS} /dev/zero; sleep 1; echo survived`), { timeoutMs: 55_000 });
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('survived\n')).toBe(true);
    // no notice about the failure: the only [Vigil] line is the login banner ("… is recorded.")
    expect(result.stderr.split('\n').filter((line) => line.includes('[Vigil]') && !line.includes('[Vigil] Your session on "lax-box" is recorded.'))).toEqual([]);
    const entry = await eventually(latestEntry, (e) => e?.recordingStatus != null && e.id !== undefined && e.endReason === 'ended');
    expect(entry).toMatchObject({ endReason: 'ended', recordingStatus: 'incomplete' });
    // the record is committed with the failure; the hash chain takes it in just after (poll: a loaded machine)
    const failed = (await eventually(() => auditOf(http, entry!.id), (items) => items.some((i) => i.action === 'recording.failed'), 30_000)).filter((i) => i.action === 'recording.failed');
    expect(failed.map((f) => f.requestParameters)).toEqual([
      { cause: 'file too large (EFBIG)', strict: false, user: 'alice', target: 'lax-box', outcome: 'session continues unrecorded' },
    ]);
  });
});
