import * as fs from 'node:fs';
import { ResumeSessionCommand, SSMServiceException, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { DATABASE_KINDS } from './support/databases';
import { AccessKey, awsCli, createAccessKey, sdkClient } from './support/ssm-clients';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

/**
 * TerminateSession through the AWS CLI on a live SSH session through the jump (the user's ssh
 * exits with the reason, the session is in History as Terminated), the terminate rule of the HTTP
 * API through the SDK, and StartSession/ResumeSession's documented refusals.
 */
describe.each(DATABASE_KINDS)('SSM TerminateSession on %s', (kind) => {
  let gw: TestGateway;
  let sshd: SshdHandle;
  let dir: string;
  let aliceKey: KeyPair;
  let agent: string;
  const processes: InteractiveProcess[] = [];
  const keys = {} as Record<'admin' | 'alice' | 'bob' | 'aude' | 'tess', AccessKey>;

  beforeAll(async () => {
    dir = makeTempDir('vigil-ssm-terminate');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    const tokens = {
      admin: gw.adminToken,
      alice: await createUser(gw, 'alice', ['owner']),
      bob: await createUser(gw, 'bob', ['owner']),
      aude: await createUser(gw, 'aude', ['auditor']),
      tess: await createUser(gw, 'tess', ['owner'], ['terminate']),
    };
    for (const [name, token] of Object.entries(tokens)) keys[name as keyof typeof keys] = await createAccessKey(gw, token);
    await gw.http.post('/api/me/ssh-keys').auth(tokens.alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, grants: { users: ['alice'] } })
      .expect(201);
    agent = await createAgent(gw, `ssm-terminate-${kind}`);
  }, 60_000);

  afterAll(async () => {
    processes.forEach((p) => p.kill());
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const openFor = async (owner: string) =>
    (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner })).expect(201)).body.id as string;

  it('aws ssm terminate-session ends a live SSH session through the jump: the user is out with the reason, History says Terminated', async () => {
    const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    processes.push(ssh);
    ssh.write('export PS1="$ "; echo READY-$((20+22))\n');
    await ssh.waitFor('READY-42', 20_000);
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items).toHaveLength(1);
    const sessionId: string = open.body.items[0].id;

    const listed = await awsCli(gw, keys.alice, ['describe-sessions', '--state', 'Active', '--filters', 'key=Target,value=box']);
    expect(listed.json.Sessions).toEqual([
      expect.objectContaining({ SessionId: sessionId, Target: 'box', Status: 'Connected', Owner: 'arn:vigil:iam::vigil:user/alice', OutputUrl: { S3OutputUrl: `${gw.url}/api/sessions/${sessionId}/recording` } }),
    ]);

    const out = await awsCli(gw, keys.admin, ['terminate-session', '--session-id', sessionId]);
    const answered = Date.now();
    expect({ code: out.code, json: out.json, stderr: out.stderr }).toEqual({ code: 0, json: { SessionId: sessionId }, stderr: '' });
    // The end happened before the answer: the user is out within a second of it at the latest.
    const exit = await ssh.exited;
    expect(exit.at - answered).toBeLessThan(1000);
    expect(exit.code).not.toBe(0);
    expect(ssh.text).toContain('terminated through the SSM API (TerminateSession)');

    const history = await awsCli(gw, keys.alice, ['describe-sessions', '--state', 'History', '--filters', `key=SessionId,value=${sessionId}`]);
    expect(history.json.Sessions).toEqual([
      expect.objectContaining({ SessionId: sessionId, Target: 'box', Status: 'Terminated', Reason: 'terminated through the SSM API (TerminateSession)', EndDate: expect.any(String) }),
    ]);
    const entry = (await gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
    expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin', status: 'Terminated' });
  }, 120_000);

  it('the HTTP API’s terminate rule: owner and admin may; the auditor lacks terminate; terminate alone shows nothing of others', async () => {
    const terminate = async (who: keyof typeof keys, sessionId: string) => {
      const client = sdkClient(gw, keys[who]);
      try {
        return await client.send(new TerminateSessionCommand({ SessionId: sessionId })).then(
          (out) => (out.SessionId === sessionId ? 'terminated' : `answered ${out.SessionId}`),
          (e: SSMServiceException) => `${e.name} ${e.$metadata.httpStatusCode}`,
        );
      } finally {
        client.destroy();
      }
    };
    const one = await openFor('alice');
    expect({
      bob: await terminate('bob', one),
      tess: await terminate('tess', one),
      aude: await terminate('aude', one),
    }).toEqual({ bob: 'DoesNotExistException 400', tess: 'DoesNotExistException 400', aude: 'AccessDeniedException 400' });
    await gw.http.get(`/api/sessions/${one}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(await terminate('alice', one)).toBe('terminated');
    expect(await terminate('alice', one)).toBe('DoesNotExistException 400');
    expect(await terminate('admin', await openFor('bob'))).toBe('terminated');
    expect(await terminate('tess', await openFor('tess'))).toBe('terminated');
    expect(await terminate('admin', '0190f0aa-0000-7000-8000-000000000000')).toBe('DoesNotExistException 400');
    expect(await terminate('admin', 'not-even-a-uuid')).toBe('DoesNotExistException 400');
  });

  it('StartSession and ResumeSession answer SSM’s documented errors (Vigil serves no Session Manager stream)', async () => {
    const start = await awsCli(gw, keys.alice, ['start-session', '--target', 'box']);
    expect(start.code).toBe(254);
    expect(start.stderr).toMatch(/An error occurred \(TargetNotConnected\) when calling the StartSession operation.*: box is not connected\./);
    const client = sdkClient(gw, keys.alice);
    const live = await openFor('alice');
    const names = await Promise.all(
      [new StartSessionCommand({ Target: 'no-such-target' }), new ResumeSessionCommand({ SessionId: live }), new ResumeSessionCommand({ SessionId: 'unknown' })].map((command) =>
        client.send(command as never).then(
          () => 'answered',
          (e: SSMServiceException) => `${e.name} ${e.$metadata.httpStatusCode}`,
        ),
      ),
    );
    expect(names).toEqual(['TargetNotConnected 400', 'DoesNotExistException 400', 'DoesNotExistException 400']);
    client.destroy();
  }, 60_000);
});
