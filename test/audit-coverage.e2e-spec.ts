import * as fs from 'node:fs';
import { io, Socket } from 'socket.io-client';
import { UnitOfWork } from '@vigil/database';
import { DATABASE_KINDS } from './support/databases';
import { AccessKey, createAccessKey, rawSsm } from './support/ssm-clients';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd, writeAskpass } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const HIDDEN = 'Value hidden due to security reasons.';
const UA = 'vigil-coverage/1.0 (e2e)';
const SOCKET_UA = 'vigil-coverage-socket/1.0';

/** A CloudTrail-shaped record as `GET /api/audit` serves it (the fields these tests read). */
interface Rec {
  eventID: string;
  eventName: string;
  eventSource: string;
  eventType: string;
  action: string;
  actor: string;
  readOnly: boolean;
  userIdentity: { type: string; userName?: string; principalId?: string; accessKeyId?: string };
  sourceIPAddress: string;
  userAgent: string;
  requestID: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  sessionId?: string;
  resources?: { type: string; name: string; ARN: string }[];
}

/**
 * Every kind of call issue 9 lists writes its CloudTrail-shaped record (name, who, from where,
 * refusals with errorCode, secrets hidden), and a change whose record cannot be written does not
 * happen: the audit outbox (PostgreSQL) or chain (SQLite) is made to refuse inserts with a trigger in the database itself.
 */
describe.each(DATABASE_KINDS)('audit coverage on %s', (kind) => {
  let gw: TestGateway;
  let sshd: SshdHandle;
  let dir: string;
  let aliceKey: KeyPair;
  let agent: string;
  const tokens: Record<string, string> = {};
  const keys: Record<string, AccessKey> = {};
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];

  const admin = () => gw.adminToken;
  const audit = async (query: string): Promise<Rec[]> =>
    (await gw.http.get(`/api/audit?${query.includes('limit=') ? query : `limit=1000&${query}`}`).auth(admin(), { type: 'bearer' }).expect(200)).body.items as Rec[];
  /** The newest record of `action` (optionally about `sessionId`). */
  const newest = async (action: string, extra = ''): Promise<Rec> => {
    const [record] = (await audit(extra)).filter((r) => r.action === action);
    expect(record).toBeDefined();
    return record;
  };
  const live = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(`${gw.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, extraHeaders: { 'User-Agent': SOCKET_UA } });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });

  /** The open sessions carried by the jump to target `box` (agents' test sessions are PAM_SSH too). */
  const jumpSessions = async () =>
    ((await gw.http.get('/api/sessions?type=PAM_SSH').auth(admin(), { type: 'bearer' }).expect(200)).body.items as { id: string; serviceProvider: string }[]).filter(
      (s) => s.serviceProvider === 'box',
    );

  /**
   * Makes every audit write fail, in the database, until `allow()`: inserts into the outbox on
   * PostgreSQL, into the chain itself on SQLite (where a gateway's records skip the outbox: the
   * chainer writes them in the change's own transaction).
   */
  const refuseAuditWrites = async () => {
    // through the gateway's own UnitOfWork: on SQLite, never inside another transaction on its one connection
    const uow = gw.app.get(UnitOfWork);
    await uow.run(async (m) => {
      if (kind === 'postgres') {
        await m.query("CREATE OR REPLACE FUNCTION vigil_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit writes refused by the test'; END $$ LANGUAGE plpgsql");
        await m.query('CREATE TRIGGER vigil_test_refuse BEFORE INSERT ON audit_outbox FOR EACH ROW EXECUTE FUNCTION vigil_test_refuse()');
      } else {
        await m.query("CREATE TRIGGER vigil_test_refuse BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit writes refused by the test'); END");
      }
    });
    return async () => {
      await uow.run((m) => m.query(kind === 'postgres' ? 'DROP TRIGGER vigil_test_refuse ON audit_outbox' : 'DROP TRIGGER vigil_test_refuse'));
    };
  };

  beforeAll(async () => {
    dir = makeTempDir('vigil-audit-coverage');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    tokens.alice = await createUser(gw, 'alice', ['owner']);
    tokens.dave = await createUser(gw, 'dave', ['auditor'], ['shadow', 'interact']);
    tokens.aude = await createUser(gw, 'aude', ['auditor']);
    keys.admin = await createAccessKey(gw, admin());
    keys.aude = await createAccessKey(gw, tokens.aude);
    await gw.http.post('/api/me/ssh-keys').auth(tokens.alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(admin(), { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, grants: { users: ['alice'] } })
      .expect(201);
    agent = await createAgent(gw, `coverage-${kind}`);
  }, 60_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sign-in: ConsoleLogin (success, and failure with errorCode), ConsoleLogout, with the source, user agent and request id', async () => {
    const ok = await gw.http.post('/api/auth/login').set('User-Agent', UA).set('X-Request-Id', 'login-ok-1').send({ username: 'ALICE', password: 'alice-password' }).expect(200);
    expect(ok.headers['x-request-id']).toBe('login-ok-1');
    expect(await newest('auth.login')).toMatchObject({
      eventName: 'ConsoleLogin',
      eventSource: 'vigil.auth',
      eventType: 'AwsConsoleSignIn',
      userIdentity: { type: 'VigilUser', userName: 'alice' },
      sourceIPAddress: '127.0.0.1',
      userAgent: UA,
      requestID: 'login-ok-1',
      requestParameters: { username: 'ALICE' },
      responseElements: { ConsoleLogin: 'Success' },
    });

    const bad = await gw.http.post('/api/auth/login').set('User-Agent', UA).send({ username: 'alice', password: 'wrong-guess-123' }).expect(401);
    const failed = await newest('auth.login-failed');
    expect(failed).toMatchObject({
      eventName: 'ConsoleLogin',
      userIdentity: { type: 'Anonymous' },
      sourceIPAddress: '127.0.0.1',
      requestID: bad.headers['x-request-id'],
      requestParameters: { username: 'alice' },
      responseElements: { ConsoleLogin: 'Failure' },
      errorCode: 'InvalidCredentials',
    });
    expect(JSON.stringify(failed)).not.toContain('wrong-guess-123');

    await gw.http.post('/api/auth/logout').set('User-Agent', UA).auth(ok.body.accessToken, { type: 'bearer' }).expect(204);
    expect(await newest('auth.logout')).toMatchObject({ eventName: 'ConsoleLogout', userIdentity: { userName: 'alice' }, sourceIPAddress: '127.0.0.1', userAgent: UA });
  });

  it('accounts: users, agents, SSH keys and access keys, every secret hidden', async () => {
    const as = (method: 'post' | 'patch' | 'delete' | 'put', path: string, token = admin()) => gw.http[method](path).auth(token, { type: 'bearer' }).set('User-Agent', UA);
    await as('post', '/api/users').send({ username: 'pat', password: 'pat-first-password', roles: ['owner'], privileges: [] }).expect(201);
    const created = await newest('user.create');
    expect(created).toMatchObject({ eventName: 'CreateUser', eventSource: 'vigil.iam', userIdentity: { userName: 'admin' }, userAgent: UA, resources: [expect.objectContaining({ type: 'User', name: 'pat' })] });
    expect(created.requestParameters).toEqual({ username: 'pat', password: HIDDEN, roles: ['owner'], privileges: [] });
    await as('patch', '/api/users/pat').send({ password: 'pat-reset-password' }).expect(200);
    expect((await newest('user.password-reset')).requestParameters).toEqual({ username: 'pat', password: HIDDEN });
    await as('patch', '/api/users/pat').send({ disabled: true }).expect(200);
    expect(await newest('user.disable')).toMatchObject({ eventName: 'DisableUser', requestParameters: { username: 'pat', disabled: true } });
    await as('delete', '/api/users/pat').expect(204);
    expect(await newest('user.delete')).toMatchObject({ eventName: 'DeleteUser', requestParameters: { username: 'pat' } });

    const made = await as('post', '/api/agents').send({ name: 'coverage-agent', kind: 'agent' }).expect(201);
    expect(await newest('agent.create')).toMatchObject({ eventName: 'CreateAgent', requestParameters: { agentId: made.body.id, name: 'coverage-agent', kind: 'agent' } });
    const rotated = await as('post', `/api/agents/${made.body.id}/rotate`).expect(200);
    expect(await newest('agent.rotate')).toMatchObject({ eventName: 'RotateAgentToken', requestParameters: { agentId: made.body.id } });
    await as('delete', `/api/agents/${made.body.id}`).expect(204);
    expect(await newest('agent.revoke')).toMatchObject({ eventName: 'RevokeAgent' });

    const key = makeKeyPair(dir, 'spare');
    const added = await as('post', '/api/me/ssh-keys', tokens.alice).send({ publicKey: key.publicLine }).expect(201);
    expect(await newest('ssh-key.add')).toMatchObject({ eventName: 'UploadSSHPublicKey', userIdentity: { userName: 'alice' }, requestParameters: { fingerprint: added.body.fingerprint } });
    await as('delete', `/api/me/ssh-keys/${added.body.id}`, tokens.alice).expect(204);
    expect(await newest('ssh-key.remove')).toMatchObject({ eventName: 'DeleteSSHPublicKey', requestParameters: { fingerprint: added.body.fingerprint } });

    const accessKey = await as('post', '/api/access-keys', tokens.alice).send({ description: 'coverage' }).expect(201);
    expect(await newest('access-key.create')).toMatchObject({ eventName: 'CreateAccessKey', userIdentity: { userName: 'alice' }, requestParameters: { accessKeyId: accessKey.body.accessKeyId, user: 'alice' } });
    await as('patch', `/api/access-keys/${accessKey.body.accessKeyId}`, tokens.alice).send({ active: false }).expect(200);
    expect(await newest('access-key.update')).toMatchObject({ eventName: 'UpdateAccessKey', requestParameters: { active: false } });
    await as('delete', `/api/access-keys/${accessKey.body.accessKeyId}`, tokens.alice).expect(204);
    expect(await newest('access-key.delete')).toMatchObject({ eventName: 'DeleteAccessKey' });

    const everything = JSON.stringify(await audit(''));
    for (const secret of ['pat-first-password', 'pat-reset-password', made.body.token, rotated.body.token, accessKey.body.secretAccessKey]) expect(everything).not.toContain(secret);
  });

  it('targets, their grants and the column settings', async () => {
    const targetKey = makeKeyPair(dir, 'spare-target');
    const as = (method: 'post' | 'patch' | 'delete' | 'put', path: string, token = admin()) => gw.http[method](path).auth(token, { type: 'bearer' });
    await as('post', '/api/targets').send({ name: 'spare', host: '127.0.0.1', port: 1, accountName: 'root', privateKey: targetKey.privateKey }).expect(201);
    const created = await newest('target.create');
    expect(created).toMatchObject({ eventName: 'CreateTarget', eventSource: 'vigil.targets', requestParameters: { name: 'spare', host: '127.0.0.1', privateKey: HIDDEN }, resources: [expect.objectContaining({ type: 'Target', name: 'spare' })] });
    await as('patch', '/api/targets/spare').send({ password: 'spare-target-password' }).expect(200);
    expect(await newest('target.update')).toMatchObject({ eventName: 'UpdateTarget', requestParameters: { name: 'spare', password: HIDDEN } });
    await as('put', '/api/targets/spare/grants').send({ users: ['alice'], roles: ['auditor'] }).expect(200);
    expect(await newest('target.grants')).toMatchObject({ eventName: 'PutTargetGrants', requestParameters: { name: 'spare', users: ['alice'], roles: ['auditor'] } });
    await as('delete', '/api/targets/spare').expect(204);
    expect(await newest('target.delete')).toMatchObject({ eventName: 'DeleteTarget' });
    const trail = JSON.stringify(await audit(''));
    expect(trail).not.toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(trail).not.toContain('spare-target-password');

    await as('put', '/api/me/session-columns', tokens.alice).send({ columns: ['user', 'owner', 'startDate'] }).expect(200);
    expect(await newest('columns.update')).toMatchObject({ eventName: 'UpdateSessionColumns', userIdentity: { userName: 'alice' }, requestParameters: { columns: ['user', 'owner', 'startDate'] } });
  });

  it('sessions through the agent API, the console and /live: StartSession, EndSession, TerminateSession; CSV exports', async () => {
    const open = async () => (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).set('User-Agent', UA).send(sessionPayload({ owner: 'alice' })).expect(201)).body.id as string;
    const first = await open();
    const forFirst = await audit(`sessionId=${first}`);
    expect(forFirst).toEqual([
      expect.objectContaining({ eventName: 'StartSession', eventSource: 'vigil.sessions', userIdentity: expect.objectContaining({ type: 'VigilAgent' }), sourceIPAddress: '127.0.0.1', userAgent: UA, sessionId: first }),
    ]);
    // a replayed open changes nothing: no second record
    await gw.http.post(`/api/agent/sessions/${first}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    await gw.http.post(`/api/agent/sessions/${first}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    const ended = (await audit(`sessionId=${first}`)).filter((r) => r.action === 'session.end');
    expect(ended).toEqual([expect.objectContaining({ eventName: 'EndSession', requestParameters: expect.objectContaining({ reason: 'ended' }), responseElements: expect.objectContaining({ owner: 'alice', type: 'PAM_SSH' }) })]);

    const second = await open();
    await gw.http.post(`/api/sessions/${second}/terminate`).auth(admin(), { type: 'bearer' }).set('X-Request-Id', 'console-terminate-1').send({ reason: 'coverage' }).expect(202);
    expect((await audit(`sessionId=${second}`)).filter((r) => r.eventName === 'TerminateSession')).toEqual([
      expect.objectContaining({ action: 'session.terminate', userIdentity: expect.objectContaining({ userName: 'admin' }), requestID: 'console-terminate-1', requestParameters: expect.objectContaining({ reason: 'terminated', message: 'coverage' }) }),
    ]);

    const third = await open();
    const socket = await live(admin());
    await expect(socket.emitWithAck('terminate', { sessionId: third, reason: 'from the sessions page' })).resolves.toEqual({ ok: true });
    expect((await audit(`sessionId=${third}`)).filter((r) => r.eventName === 'TerminateSession')).toEqual([
      expect.objectContaining({ userIdentity: expect.objectContaining({ userName: 'admin' }), sourceIPAddress: '127.0.0.1', userAgent: SOCKET_UA }),
    ]);

    await gw.http.get('/api/sessions?format=csv&type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).expect(200);
    expect(await newest('sessions.export')).toMatchObject({ eventName: 'ExportSessions', readOnly: true, userIdentity: { userName: 'alice' }, requestParameters: { type: 'PAM_SSH', scope: 'alice' } });
    await gw.http.get('/api/access-logs?format=csv&user=jdoe').auth(admin(), { type: 'bearer' }).expect(200);
    expect(await newest('access-log.export')).toMatchObject({ eventName: 'ExportAccessLog', readOnly: true, requestParameters: { user: 'jdoe', scope: 'all' } });
  });

  it('SSM TerminateSession: one record, from ssm.amazonaws.com with the AWS request id; refusals and reads recorded by the edge', async () => {
    const id = (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201)).body.id as string;
    const refused = await rawSsm(gw, keys.aude, { target: 'AmazonSSM.TerminateSession', body: JSON.stringify({ SessionId: id }) });
    expect(refused.body.__type).toBe('AccessDeniedException');
    const answer = await rawSsm(gw, keys.admin, { target: 'AmazonSSM.TerminateSession', body: JSON.stringify({ SessionId: id }) });
    expect(answer.status).toBe(200);
    const requestId = answer.headers['x-amzn-requestid'];
    const records = (await audit(`sessionId=${id}`)).filter((r) => r.eventName === 'TerminateSession');
    expect(records).toHaveLength(2);
    const [done, denied] = records; // newest first
    expect(done).toMatchObject({
      action: 'session.terminate',
      eventSource: 'ssm.amazonaws.com',
      requestID: requestId,
      userIdentity: { userName: 'admin', accessKeyId: keys.admin.accessKeyId },
      sourceIPAddress: '127.0.0.1',
    });
    expect(done.errorCode).toBeUndefined();
    expect(denied).toMatchObject({ action: 'ssm.TerminateSession', eventSource: 'ssm.amazonaws.com', errorCode: 'AccessDeniedException', userIdentity: { userName: 'aude' }, requestID: refused.headers['x-amzn-requestid'] });
    // the change's record is the only one with that request id
    expect((await audit('')).filter((r) => r.requestID === requestId)).toHaveLength(1);

    const read = await rawSsm(gw, keys.aude, { body: '{"State":"Active"}' });
    expect(read.status).toBe(200);
    expect((await audit('eventName=DescribeSessions')).find((r) => r.requestID === read.headers['x-amzn-requestid'])).toMatchObject({ readOnly: true, userIdentity: { userName: 'aude' } });
  });

  it('the SSH jump: logins accepted and refused, its session, live attach/input/take/hand-back/pause/detach', async () => {
    // refused: a target alice holds no grant for, and a wrong password
    const denied = await run('ssh', [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+nowhere@127.0.0.1', 'true']);
    expect(denied.code).toBe(255);
    const askpass = writeAskpass(dir, 'askpass-wrong', 'not-alices-password');
    const wrong = await run('ssh', [...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), 'alice+box@127.0.0.1', 'true'], {
      env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
    });
    expect(wrong.code).toBe(255);
    const refusals = (await audit('')).filter((r) => r.action === 'jump.login-refused');
    expect(refusals.map((r) => [r.errorCode, r.requestParameters?.target, r.requestParameters?.method])).toEqual(
      expect.arrayContaining([
        ['TargetNotAllowed', 'nowhere', 'publickey'],
        ['InvalidCredentials', 'box', 'password'],
      ]),
    );
    for (const r of refusals) expect(r).toMatchObject({ eventName: 'SshLogin', eventSource: 'vigil.jump', userIdentity: { type: 'Anonymous' }, sourceIPAddress: '127.0.0.1' });
    expect(JSON.stringify(refusals)).not.toContain('not-alices-password');

    const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    processes.push(ssh);
    ssh.write('export PS1="$ "; echo READY-$((20+22))\n');
    await ssh.waitFor('READY-42', 20_000);
    expect(await newest('jump.login')).toMatchObject({
      eventName: 'SshLogin',
      userIdentity: { type: 'VigilUser', userName: 'alice' },
      sourceIPAddress: '127.0.0.1',
      userAgent: expect.stringMatching(/^SSH-2\.0-OpenSSH/),
      requestParameters: { username: 'alice', target: 'box', method: 'publickey' },
    });
    const sessionId = (await jumpSessions())[0].id;
    expect(await newest('session.start', `sessionId=${sessionId}`)).toMatchObject({ eventName: 'StartSession', userIdentity: { userName: 'alice' }, sourceIPAddress: '127.0.0.1', requestParameters: { target: 'box', type: 'PAM_SSH' } });

    const dave = await live(tokens.dave);
    await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    for (const data of ['echo VIEW', 'ER-', 'TYPED\n']) await expect(dave.emitWithAck('input', { sessionId, data })).resolves.toEqual({ ok: true });
    await ssh.waitFor('VIEWER-TYPED');
    await expect(dave.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
    const boss = await live(admin());
    await expect(boss.emitWithAck('attach', { sessionId, mode: 'view' })).resolves.toMatchObject({ ok: true });
    await expect(boss.emitWithAck('control', { sessionId, action: 'pause-user' })).resolves.toEqual({ ok: true });
    await expect(boss.emitWithAck('control', { sessionId, action: 'resume-user' })).resolves.toEqual({ ok: true });
    await expect(dave.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });

    const trail = await eventually(() => audit(`sessionId=${sessionId}`), (items) => items.some((r) => r.action === 'viewer.leave'));
    const byDave = trail.filter((r) => r.userIdentity.userName === 'dave').reverse();
    expect(byDave.map((r) => r.eventName)).toEqual(['JoinSession', 'TakeControl', 'SendInput', 'HandBackControl', 'LeaveSession']);
    for (const r of byDave) expect(r).toMatchObject({ eventSource: 'vigil.live', sourceIPAddress: '127.0.0.1', userAgent: SOCKET_UA, sessionId });
    expect(byDave[0]).toMatchObject({ readOnly: true, requestParameters: { mode: 'interact' } });
    expect(trail.filter((r) => r.userIdentity.userName === 'admin').map((r) => r.eventName).reverse()).toEqual(['JoinSession', 'PauseUserInput', 'ResumeUserInput']);

    ssh.write('exit\n');
    await ssh.exited;
    const end = await eventually(() => audit(`sessionId=${sessionId}`), (items) => items.some((r) => r.action === 'session.end'));
    expect(end.filter((r) => r.action === 'session.end')).toHaveLength(1);
  }, 90_000);

  it('a change whose record cannot be written does not happen; an access whose record cannot be written is refused', async () => {
    const id = (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201)).body.id as string;
    const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    processes.push(ssh);
    ssh.write('export PS1="$ "; echo READY-$((40+2))\n');
    await ssh.waitFor('READY-42', 20_000);
    const jumpSession = await eventually(jumpSessions, (items) => items.length === 1);
    expect(jumpSession).toHaveLength(1);
    const dave = await live(tokens.dave);
    await expect(dave.emitWithAck('attach', { sessionId: jumpSession[0].id, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    const seqBefore = (await audit('limit=1'))[0];

    const allow = await refuseAuditWrites();
    try {
      // changes: nothing of them is left
      await gw.http.post('/api/users').auth(admin(), { type: 'bearer' }).send({ username: 'ghost', password: 'ghost-password', roles: ['owner'], privileges: [] }).expect(500);
      await gw.http.post(`/api/agent/sessions/${id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(500);
      await gw.http.post(`/api/sessions/${id}/terminate`).auth(admin(), { type: 'bearer' }).send({ reason: 'x' }).expect(500);
      const login = await gw.http.post('/api/auth/login').send({ username: 'alice', password: 'alice-password' });
      expect(login.status).toBe(500);
      expect(login.body.accessToken).toBeUndefined();
      await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice', externalId: 'never-opened' })).expect(500);
      await expect(dave.emitWithAck('control', { sessionId: jumpSession[0].id, action: 'take' })).resolves.toEqual({ ok: false, error: expect.stringMatching(/audit record could not be written/) });
      // reads: refused, nothing given away
      const csv = await gw.http.get('/api/access-logs?format=csv').auth(admin(), { type: 'bearer' });
      expect(csv.status).toBe(500);
      expect(csv.text).not.toContain('jdoe');
      const describe = await rawSsm(gw, keys.admin, { body: '{"State":"Active"}' });
      expect(describe.body.__type).toBe('InternalServerError');
      expect(describe.text).not.toContain(id);
      const boss = await live(admin());
      await expect(boss.emitWithAck('attach', { sessionId: jumpSession[0].id, mode: 'view' })).resolves.toEqual({ ok: false, error: expect.stringMatching(/audit record could not be written/) });
      const refusedLogin = await run('ssh', [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1', 'true']);
      expect(refusedLogin.code).toBe(255);
      expect(refusedLogin.stderr).toContain('could not be recorded in the audit trail');
    } finally {
      await allow();
    }
    await gw.http.get('/api/users').auth(admin(), { type: 'bearer' }).expect(200).expect((res) => expect(res.body.map((u: { username: string }) => u.username)).not.toContain('ghost'));
    await gw.http.get(`/api/sessions/${id}`).auth(admin(), { type: 'bearer' }).expect(200);
    expect((await gw.http.get('/api/sessions').auth(admin(), { type: 'bearer' }).expect(200)).body.items.map((s: { externalId: string }) => s.externalId)).not.toContain('never-opened');
    // the take was undone: nobody holds control, so dave's keystrokes are refused
    await expect(dave.emitWithAck('input', { sessionId: jumpSession[0].id, data: 'x' })).resolves.toMatchObject({ ok: false, error: /take control first/ });
    // and nothing was recorded meanwhile
    expect((await audit('limit=1'))[0].eventID).toBe(seqBefore.eventID);

    // written again: everything works as before
    await gw.http.post(`/api/sessions/${id}/terminate`).auth(admin(), { type: 'bearer' }).send({ reason: 'x' }).expect(202);
    expect((await audit(`sessionId=${id}`)).filter((r) => r.eventName === 'TerminateSession')).toHaveLength(1);
    ssh.write('exit\n');
    await ssh.exited;
    await sleep(200);
  }, 90_000);
});
