import request from 'supertest';
import { Agent as HttpAgent } from 'node:http';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { GatewayProcess } from './support/gateway-process';
import { ADMIN, login, sessionPayload } from './support/test-gateway';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replayToScreen } from '@vigil/recording';
import { findFile } from './support/find-file';
import { JumpProcess } from './support/jump-process';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';

const SESSIONS = 400;
const AGENTS = 20;
const KILL_AFTER_ACKS = 120;

/**
 * Kills the gateway with SIGKILL while 20 agents are ending sessions, restarts it on the same
 * data, and checks the contract agents rely on: an acknowledged end is in the access log exactly
 * once; an unacknowledged one can be retried, and the retry neither duplicates nor loses anything.
 */
describe.each(DATABASE_KINDS)('crash while ending sessions on %s', (kind) => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  const env = () => ({ ...db.env, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await gateway?.kill();
    await db.drop();
  });

  it('keeps every acknowledged end exactly once and lets agents retry the rest', async () => {
    gateway = await GatewayProcess.start(env());
    let http = request(gateway.url);
    const adminToken = await login(http, ADMIN.username, ADMIN.password);
    const agentToken = (await http.post('/api/agents').auth(adminToken, { type: 'bearer' }).send({ name: 'a', kind: 'agent' }).expect(201)).body.token;

    const payloads = Array.from({ length: SESSIONS }, (_, i) => sessionPayload({ externalId: `crash-${i}`, owner: 'admin' }));
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = await Promise.all(
        payloads.slice(i, i + 50).map((p) => http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(p).expect(201)),
      );
      ids.push(...batch.map((r) => r.body.id as string));
    }

    // 20 agents drain a shared queue of ends; the gateway dies under them.
    const acked = new Map<string, { endDate: string }>();
    const attempted = new Set<string>();
    const queue = [...ids];
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: AGENTS });
    const dying = gateway;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        attempted.add(id);
        try {
          const res = await request(dying.url).post(`/api/agent/sessions/${id}/end`).agent(keepAlive).auth(agentToken, { type: 'bearer' }).send({});
          if (res.status === 200) acked.set(id, res.body);
          if (acked.size >= KILL_AFTER_ACKS && !killed) killed = dying.kill('SIGKILL');
        } catch {
          return; // connection refused or reset: this agent's gateway is gone
        }
      }
    };
    await Promise.all(Array.from({ length: AGENTS }, worker));
    await killed;
    keepAlive.destroy();
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(attempted.size).toBeLessThan(SESSIONS); // the crash really interrupted the work
    const unacked = [...attempted].filter((id) => !acked.has(id));

    gateway = await GatewayProcess.start(env());
    http = request(gateway.url);

    // Every acknowledged end survived, unchanged.
    for (const [id, entry] of acked) {
      const res = await http.get(`/api/access-logs/${id}`).auth(adminToken, { type: 'bearer' }).expect(200);
      expect(res.body.endDate).toBe(entry.endDate);
      await http.get(`/api/sessions/${id}`).auth(adminToken, { type: 'bearer' }).expect(404);
    }

    // Agents retry what they never heard back about (and, being agents, some of what they did).
    for (const id of [...unacked, ...[...acked.keys()].slice(0, 10)]) {
      const res = await http.post(`/api/agent/sessions/${id}/end`).auth(agentToken, { type: 'bearer' }).send({}).expect(200);
      expect(res.body.id).toBe(id);
      if (acked.has(id)) expect(res.body.endDate).toBe(acked.get(id)!.endDate);
    }
    // Replaying every open finds the original session, never a second one.
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = await Promise.all(
        payloads.slice(i, i + 50).map((p) => http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(p).expect(200)),
      );
      batch.forEach((res, j) => expect(res.body.id).toBe(ids[i + j]));
    }

    // The access log holds each attempted session exactly once, and nothing else.
    const logged: string[] = [];
    let token: string | undefined;
    do {
      const page = await http
        .get(`/api/access-logs?limit=1000${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`)
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      logged.push(...page.body.items.map((e: { id: string }) => e.id));
      token = page.body.nextToken;
    } while (token);
    expect(new Set(logged).size).toBe(logged.length);
    expect(new Set(logged)).toEqual(attempted);
    const open = await http.get('/api/sessions?limit=1000').auth(adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items).toHaveLength(SESSIONS - attempted.size);
  });
});

/**
 * SIGKILLs the gateway while an SSH session runs through its embedded jump, beside a standalone
 * jump (same database, same data folder) carrying a session of its own; restarts the gateway on
 * the same data. At boot the gateway ends its predecessor's session (not left Connected until the
 * timeout), seals its recording as it was on disk and links it; the neighbour's session, carried
 * by a jump that is still running, is left alone and keeps working.
 */
describe.each(DATABASE_KINDS)('crash with SSH sessions open on %s', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gateway: GatewayProcess | undefined;
  let neighbour: JumpProcess | undefined;
  const users: InteractiveProcess[] = [];
  const env = () => ({ ...db.env, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const jumpPortOf = (g: GatewayProcess) => Number(/ssh jump listening on (\d+)/.exec(g.output())![1]);
  const instanceFolders = () => fs.readdirSync(path.join(db.env.VIGIL_DATA_DIR, 'jump-instances')).sort();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    dir = makeTempDir('vigil-crash-ssh');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gateway = await GatewayProcess.start(env());
    const http = request(gateway.url);
    const admin = await login(http, ADMIN.username, ADMIN.password);
    await http.post('/api/users').auth(admin, { type: 'bearer' }).send({ username: 'alice', password: 'alice-password', roles: ['owner'], privileges: [] }).expect(201);
    const alice = await login(http, 'alice', 'alice-password');
    await http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await http
      .post('/api/targets')
      .auth(admin, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
  });
  afterAll(async () => {
    users.forEach((u) => u.kill());
    await gateway?.kill();
    await neighbour?.stop();
    await sshd?.stop();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends the crashed jump\'s session at boot and links its recording; a running neighbour\'s session is untouched', async () => {
    let http = request(gateway!.url);
    const admin = await login(http, ADMIN.username, ADMIN.password);
    const openIds = async () => ((await http.get('/api/sessions?type=PAM_SSH').auth(admin, { type: 'bearer' }).expect(200)).body.items as { id: string }[]).map((s) => s.id);
    const shell = async (port: number, marker: string) => {
      const before = new Set(await openIds());
      const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(port), 'alice+box@127.0.0.1']);
      users.push(user);
      user.write(`export PS1="$ "; echo ${marker}-$((40+2))\n`);
      await user.waitFor(`${marker}-42`, 20_000);
      for (let i = 0; i < 100; i++) {
        const added = (await openIds()).find((id) => !before.has(id));
        if (added) return { user, id: added };
        await sleep(100);
      }
      throw new Error('session not registered');
    };

    neighbour = await JumpProcess.start(db.env);
    const crashed = await shell(jumpPortOf(gateway!), 'BEFORE-CRASH');
    const running = await shell(neighbour.port, 'NEIGHBOUR');
    // The recording reaches the disk within about a second (the writer flushes every second).
    const recordings = path.join(db.env.VIGIL_DATA_DIR, 'recordings');
    for (let i = 0; i < 100; i++) {
      const file = findFile(recordings, `${crashed.id}.vcast`);
      if (file && fs.readFileSync(file, 'utf8').includes('BEFORE-CRASH-42')) break;
      await sleep(100);
    }
    expect(instanceFolders()).toHaveLength(2); // the gateway's jump and the neighbour

    const killedAt = Date.now();
    await gateway!.kill('SIGKILL');
    await crashed.user.exited;
    gateway = await GatewayProcess.start(env());
    http = request(gateway.url);

    // Ended at boot with the reason, not left Connected for the timeout sweep.
    await http.get(`/api/sessions/${crashed.id}`).auth(admin, { type: 'bearer' }).expect(404);
    const entry = (await http.get(`/api/access-logs/${crashed.id}`).auth(admin, { type: 'bearer' }).expect(200)).body;
    expect(entry).toMatchObject({ endReason: 'failed', status: 'Failed', recordingStatus: 'recovered' });
    expect(entry.endMessage).toContain('stopped unexpectedly');
    // ended at the last sign of life before the crash, not at the restart
    expect(Date.parse(entry.endDate)).toBeLessThanOrEqual(killedAt + 1000);
    expect(Date.parse(entry.endDate)).toBeGreaterThanOrEqual(Date.parse(entry.startDate));
    // Its recording is linked, verifies against the hash taken at boot, and replays up to the crash.
    expect(entry.recordingUrl).toBe(`/api/access-logs/${crashed.id}/recording`);
    await expect(http.get(`${entry.recordingUrl}/verify`).auth(admin, { type: 'bearer' }).then((r) => r.body.ok)).resolves.toBe(true);
    const file = findFile(recordings, `${crashed.id}.vcast`)!;
    expect((await replayToScreen(file, { tolerateTruncatedTail: true })).screen).toContain('BEFORE-CRASH-42');

    // The neighbour's session is still open and still works; its jump's folder is still there.
    await http.get(`/api/sessions/${running.id}`).auth(admin, { type: 'bearer' }).expect(200);
    running.user.write('echo STILL-HERE-$((3+3))\n');
    await running.user.waitFor('STILL-HERE-6');
    expect(instanceFolders()).toHaveLength(2); // the neighbour's and the restarted gateway's; the crashed one is gone
    running.user.write('exit\n');
    await running.user.exited;
    for (let i = 0; i < 100 && (await http.get(`/api/access-logs/${running.id}`).auth(admin, { type: 'bearer' })).body.recordingStatus !== 'complete'; i++) await sleep(100);
    const neighbourEntry = (await http.get(`/api/access-logs/${running.id}`).auth(admin, { type: 'bearer' }).expect(200)).body;
    expect(neighbourEntry).toMatchObject({ endReason: 'ended', recordingStatus: 'complete' });
  });
});
