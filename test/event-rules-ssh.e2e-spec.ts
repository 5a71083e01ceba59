import * as fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import { DATABASE_KINDS } from './support/databases';
import { WebhookReceiver } from './support/event-receivers';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, createUser, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

interface Envelope {
  id: string;
  'detail-type': string;
  source: string;
  detail: Record<string, any>;
}

const SECRET = 'a-secret-the-admin-chose-1234567890';

/** `StartSession`, `Vigil Session State Change:started`, `Vigil Shadowing:JoinSession`, ... */
const label = (e: Envelope) =>
  e['detail-type'] === 'AWS API Call via CloudTrail' ? `${e.source} ${e.detail.eventName}` : e['detail-type'] === 'Vigil Session State Change' ? `state ${e.detail.state}` : `shadowing ${e.detail.action}`;

/**
 * The scenario with real OpenSSH and a real /live viewer: an SSH session through the jump
 * starts, an admin joins it, takes control, and terminates it. A webhook on loopback receives
 * each event once, in the order it happened, every one with a valid signature.
 */
describe.each(DATABASE_KINDS)('event rules for an SSH session on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let gw: TestGateway;
  let hook: WebhookReceiver;
  let user: InteractiveProcess | undefined;
  let viewer: Socket | undefined;

  beforeAll(async () => {
    dir = makeTempDir('vigil-events-ssh');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    hook = await WebhookReceiver.start();
    gw = await startTestGateway(kind, { VIGIL_EVENTS_POLL_MS: '200' });
    const alice = await createUser(gw, 'alice');
    await gw.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
  });

  afterAll(async () => {
    viewer?.close();
    user?.kill();
    await gw?.close();
    await hook?.stop();
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('start -> viewer join -> take control -> terminate arrive in order, signed', async () => {
    const rule = await gw.http
      .post('/api/event-rules')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({
        name: 'ssh-watch',
        // sessions (through any door) and everything that happens to them live
        eventPattern: { $or: [{ source: ['aws.ssm'] }, { source: ['vigil'] }, { source: ['vigil.live'] }] },
        targets: [{ type: 'webhook', url: hook.url, secret: SECRET }],
      })
      .expect(201);
    expect(rule.body.secrets[rule.body.targets[0].id]).toBe(SECRET);

    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2');
    const sessions = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const sessionId: string = sessions.body.items[0].id;

    viewer = await connectSocket(gw.url, '/live', gw.adminToken);
    await expect(viewer.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(viewer.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await gw.http.post(`/api/sessions/${sessionId}/terminate`).auth(gw.adminToken, { type: 'bearer' }).send({ reason: 'seen enough' }).expect(202);
    await user.waitFor('seen enough');

    const about = (e: Envelope) => e.detail.sessionId === sessionId;
    const expected = [
      'aws.ssm StartSession',
      'state started',
      'vigil.live JoinSession',
      'shadowing JoinSession',
      'vigil.live TakeControl',
      'shadowing TakeControl',
      'aws.ssm TerminateSession',
      'state terminated',
    ];
    const received = await eventually(
      async () => hook.acceptedBodies<Envelope>().filter(about),
      (list) => list.map(label).includes('state terminated'),
      20_000,
    );
    // after the end, the viewer's detach may follow (it is after the terminate in the chain, too)
    const labels = received.map(label);
    expect(labels.slice(0, expected.length)).toEqual(expected);
    expect(labels.slice(expected.length).every((l) => /LeaveSession|HandBackControl/.test(l))).toBe(true);

    // each exactly once, each signed with the admin's secret, the id header matching the body
    const requests = hook.accepted.filter((r) => about(JSON.parse(r.body)));
    expect(new Set(requests.map((r) => JSON.parse(r.body).id)).size).toBe(requests.length);
    for (const request of requests) {
      expect(WebhookReceiver.signatureValid(request, SECRET)).toBe(true);
      expect(request.headers['x-vigil-event-id']).toBe(JSON.parse(request.body).id);
    }
    const [start, started, , join, , take, terminate, terminated] = received;
    expect(start.detail).toMatchObject({ eventName: 'StartSession', requestParameters: { type: 'PAM_SSH', user: 'alice', target: 'box' } });
    expect(started.detail).toMatchObject({ state: 'started', type: 'PAM_SSH', user: 'alice', target: 'box' });
    expect(join.detail).toEqual({ sessionId, action: 'JoinSession', viewer: 'admin', mode: 'interact' });
    expect(take.detail).toMatchObject({ sessionId, action: 'TakeControl', viewer: 'admin' });
    expect(terminate.detail).toMatchObject({ eventName: 'TerminateSession', userIdentity: { userName: 'admin' } });
    expect(terminated.detail).toMatchObject({ state: 'terminated', endedBy: 'admin' });
    // an attacker replaying one delivery with another body does not pass the check
    expect(WebhookReceiver.signatureValid({ ...requests[1], body: requests[0].body }, SECRET)).toBe(false);
  });
});
