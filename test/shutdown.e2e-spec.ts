import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { GatewayProcess } from './support/gateway-process';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, connectSocket, login } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

/** Issue 11: the bound for SIGTERM → exit with open consoles (seen: 11 s and 30 s). Margin for a loaded 2-core CI machine. */
const STOP_BOUND_MS = 3_000;

/**
 * The compiled gateway as a process with everything that used to hold it open: socket.io clients
 * on /sessions and /live (one attached to a live SSH session through the jump, to a real sshd),
 * a browser terminal on /terminal, an SSH jump session and an idle keep-alive HTTP connection.
 * SIGTERM must end it quickly, and still write the end of the SSH session to the registry.
 */
describe('gateway shutdown with open consoles', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gateway: GatewayProcess | undefined;
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];
  const env = () => ({ VIGIL_DATA_DIR: dir, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    dir = makeTempDir('vigil-shutdown');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gateway = await GatewayProcess.start(env(), 60_000);
    const api = request(gateway.url);
    const admin = await login(api, ADMIN.username, ADMIN.password);
    await api.post('/api/me/ssh-keys').auth(admin, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await api
      .post('/api/targets')
      .auth(admin, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, grants: { users: [ADMIN.username] } })
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await gateway?.kill();
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM: exits within the bound, and the SSH session is ended in the access log', async () => {
    const running = gateway!;
    const api = request(running.url);
    const admin = await login(api, ADMIN.username, ADMIN.password);
    const jumpPort = Number(/ssh jump listening on (\d+)/.exec(running.output())![1]);

    // An SSH session through the jump, with a shell.
    const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(jumpPort), `${ADMIN.username}+box@127.0.0.1`]);
    processes.push(ssh);
    ssh.write('echo shell-$((40+2))\n');
    await ssh.waitFor('shell-42', 30_000);
    const listed = await eventually(
      async () => (await api.get('/api/sessions').auth(admin, { type: 'bearer' })).body as { items?: Array<{ id: string; type: string }> } | Array<{ id: string; type: string }>,
      (body) => sessionsOf(body).some((s) => s.type === 'PAM_SSH'),
      15_000,
    );
    const sshSession = sessionsOf(listed).find((s) => s.type === 'PAM_SSH');
    expect(sshSession).toBeDefined();

    // Consoles: the sessions page, a viewer attached to the SSH session, a browser terminal.
    sockets.push(await connectSocket(running.url, '/sessions', admin));
    const viewer = await connectSocket(running.url, '/live', admin);
    sockets.push(viewer);
    const attached = (await viewer.timeout(10_000).emitWithAck('attach', { sessionId: sshSession!.id, mode: 'view' })) as { ok: boolean };
    expect(attached.ok).toBe(true);
    const terminal = await connectSocket(running.url, '/terminal', admin);
    sockets.push(terminal);
    const opened = (await terminal.timeout(20_000).emitWithAck('open', { target: 'box', cols: 80, rows: 24 })) as { ok: boolean };
    expect(opened.ok).toBe(true);

    // An idle keep-alive HTTP connection (a browser keeps one for seconds after each request).
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${running.url}/api/health`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        })
        .on('error', reject);
    });

    // What a browser also holds: a pre-connected socket that has sent nothing yet, and one with a
    // request still coming (headers not finished). `server.close()` alone waited for these.
    const port = Number(new URL(running.url).port);
    const preconnected = net.connect(port, '127.0.0.1');
    const halfSent = net.connect(port, '127.0.0.1', () => halfSent.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    for (const socket of [preconnected, halfSent]) {
      socket.on('error', () => undefined); // destroyed by the stopping gateway: expected
      await new Promise<void>((resolve) => (socket.connecting ? socket.once('connect', () => resolve()) : resolve()));
    }

    const exited = new Promise<number>((resolve) => running.child.once('exit', () => resolve(Date.now())));
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    // Capped, so a gateway that hangs fails here with the figure rather than at the suite's timeout.
    const tookMs = (await Promise.race([exited, sleep(20_000).then(() => Number.POSITIVE_INFINITY)])) - signalled;
    console.log(`SIGTERM → exit with open consoles: ${tookMs} ms (exit code ${running.child.exitCode}, signal ${running.child.signalCode})`);
    agent.destroy();
    preconnected.destroy();
    halfSent.destroy();
    expect(tookMs).toBeLessThan(STOP_BOUND_MS);
    // A clean stop: Nest's shutdown hooks ran and re-raised the signal (or the process exited 0), no crash code.
    expect(running.child.exitCode === 0 || running.child.signalCode === 'SIGTERM').toBe(true);
    // The user's ssh was told and let go, rather than hanging on a dead connection.
    await ssh.exited;

    // Back up on the same data: the SSH session was ended (not left open, not "crashed" on recovery).
    gateway = await GatewayProcess.start(env(), 60_000);
    const again = request(gateway.url);
    const token = await login(again, ADMIN.username, ADMIN.password);
    const entry = (await again.get(`/api/access-logs/${sshSession!.id}`).auth(token, { type: 'bearer' }).expect(200)).body as { endDate: string | null; endReason: string };
    expect(entry.endDate).toBeTruthy();
    expect(entry.endReason).toBe('terminated');
    expect(running.output()).not.toMatch(/crashed|recovered/i);
  }, 180_000);
});

function sessionsOf(body: unknown): Array<{ id: string; type: string }> {
  if (Array.isArray(body)) return body as Array<{ id: string; type: string }>;
  return ((body as { items?: unknown[] })?.items ?? []) as Array<{ id: string; type: string }>;
}
