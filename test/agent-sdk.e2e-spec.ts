import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { AgentTransport, EndBody, HttpTransport, OpenRequest, VigilAgent } from '@vigil/agent-sdk';
import { buildAgentCli } from './support/agent-cli';
import { countByExternalId, listByPrefix } from './support/agent-registry';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { GatewayProcess } from './support/gateway-process';
import { freePort } from './support/ports';
import { makeTempDir, run } from './support/sshd';
import { ADMIN, TestGateway, createAgent, login, startTestGatewayOn } from './support/test-gateway';
import { eventually } from './support/wait';

/** Records the order calls reach the transport: what "replayed in order" means on the wire. */
class RecordingTransport implements AgentTransport {
  calls: string[] = [];
  constructor(private readonly inner: AgentTransport) {}
  async open(r: OpenRequest) {
    const session = await this.inner.open(r);
    this.calls.push(`open:${r.externalId}`);
    return session;
  }
  async heartbeat(ids: string[]) {
    await this.inner.heartbeat(ids);
  }
  async end(id: string, body: EndBody) {
    await this.inner.end(id, body);
    this.calls.push(`end:${id}`);
  }
  close() {
    return this.inner.close();
  }
}

const pam = (externalId: string): OpenRequest => ({ externalId, type: 'PAM', user: 'jdoe', device: '10.1.2.3', client: 'srv-01', owner: 'admin' });

describe.each(DATABASE_KINDS)('agent SDK against the real gateway on %s', (kind) => {
  let db: TestDatabase;
  let gw: TestGateway | undefined;
  let port: number;
  let token: string;
  let dir: string;
  let cli: string;
  const boot = async () => (gw = await startTestGatewayOn(db, { PORT: String(port), VIGIL_HEARTBEAT_TIMEOUT_MS: '600000' }));
  const admin = () => gw!;

  beforeAll(async () => {
    dir = makeTempDir('vigil-agent-e2e');
    cli = buildAgentCli(dir);
    db = await createTestDatabase(kind);
    port = await freePort();
    await boot();
    token = await createAgent(admin(), 'sdk-agent');
  });
  afterAll(async () => {
    await gw?.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues opens and ends while the gateway is stopped, replays them in order after both restart, once each', async () => {
    const queueDir = path.join(dir, `queue-${kind}`);
    const url = `http://127.0.0.1:${port}`;
    const prefix = `sdk-${kind}-`;
    const first = new VigilAgent({ queueDir, url, token });
    const up = await first.open(pam(`${prefix}0`));
    expect(up.state).toBe('sent');

    await gw!.close();
    gw = undefined;
    const queued: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const r = await first.open(pam(`${prefix}${i}`));
      expect(r.state).toBe('queued');
      queued.push(`open:${prefix}${i}`);
      if (i <= 5) {
        // an end queued behind its own, still queued, open
        expect((await first.end(`${prefix}${i}`)).state).toBe('queued');
        queued.push(`end:${prefix}${i}`);
      }
    }
    expect((await first.end(`${prefix}0`)).state).toBe('queued');
    expect(first.status().pending).toBe(16);
    await first.close(); // the agent restarts too

    const transport = new RecordingTransport(new HttpTransport({ url, token }));
    const second = new VigilAgent({ queueDir, transport, backoff: { baseMs: 100, maxMs: 1_000 }, heartbeatIntervalMs: 500 });
    second.start(); // retries against the stopped gateway with backoff meanwhile
    await boot();
    const status = await eventually(async () => second.status(), (s) => s.pending === 0, 30_000);
    expect(status).toMatchObject({ pending: 0, openSessions: 5 });

    // In order: the ids of ends are session ids; map them back to externalIds.
    const ended = await listByPrefix(admin().http, admin().adminToken, '/api/access-logs', prefix);
    const idToExternal = new Map(ended.map((e) => [e.id, e.externalId]));
    const wire = transport.calls.map((c) => (c.startsWith('end:') ? `end:${idToExternal.get(c.slice(4))}` : c));
    expect(wire).toEqual([...queued, `end:${prefix}0`]);

    const open = await listByPrefix(admin().http, admin().adminToken, '/api/sessions', prefix);
    expect([...countByExternalId(ended)].sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => [`${prefix}${i}`, 1]).sort());
    expect([...countByExternalId(open)].sort()).toEqual([6, 7, 8, 9, 10].map((i) => [`${prefix}${i}`, 1]).sort());
    // the start and end are when they happened, not when they were replayed
    const one = ended.find((e) => e.externalId === `${prefix}1`)!;
    expect(Date.parse(one.endDate as string)).toBeLessThan(Date.parse(open[0].lastHeartbeat as string));

    // automatic heartbeats keep the replayed sessions alive
    const before = open.find((s) => s.externalId === `${prefix}6`)!.lastHeartbeat as string;
    const later = await eventually(
      async () => (await listByPrefix(admin().http, admin().adminToken, '/api/sessions', `${prefix}6`))[0],
      (s) => Date.parse(s.lastHeartbeat as string) > Date.parse(before),
    );
    expect(Date.parse(later.lastHeartbeat as string)).toBeGreaterThan(Date.parse(before));
    await second.close();
  });

  it('an agent process killed mid-flush and restarted neither loses nor doubles anything', async () => {
    const queueDir = path.join(dir, `kill-${kind}`);
    const prefix = `kill-${kind}-`;
    const env = { VIGIL_AGENT_URL: `http://127.0.0.1:1`, VIGIL_AGENT_TOKEN: token, VIGIL_AGENT_QUEUE_DIR: queueDir };
    // Fill the queue offline (unreachable port), through the real CLI.
    const offline = new VigilAgent({ queueDir, url: env.VIGIL_AGENT_URL, token });
    for (let i = 0; i < 150; i++) {
      await offline.open(pam(`${prefix}${i}`));
      if (i % 2 === 0) await offline.end(`${prefix}${i}`);
    }
    await offline.close();
    expect((await run(cli, ['status', '--json'], { env })).stdout).toContain('"pending":225');

    const child = spawn(cli, ['flush'], { env: { ...process.env, ...env, VIGIL_AGENT_URL: `http://127.0.0.1:${port}` }, stdio: 'ignore' });
    await eventually(async () => (await listByPrefix(admin().http, admin().adminToken, '/api/sessions', prefix)).length, (n) => n >= 10, 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = JSON.parse((await run(cli, ['status', '--json'], { env })).stdout);
    expect(left.pending).toBeGreaterThan(0);

    const again = await run(cli, ['flush', '--json', '--url', `http://127.0.0.1:${port}`], { env, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    const open = await listByPrefix(admin().http, admin().adminToken, '/api/sessions', prefix);
    const ended = await listByPrefix(admin().http, admin().adminToken, '/api/access-logs', prefix);
    const evens = Array.from({ length: 75 }, (_, k) => `${prefix}${2 * k}`);
    const odds = Array.from({ length: 75 }, (_, k) => `${prefix}${2 * k + 1}`);
    expect([...countByExternalId(ended)].sort()).toEqual(evens.map((e) => [e, 1]).sort());
    expect([...countByExternalId(open)].sort()).toEqual(odds.map((e) => [e, 1]).sort());
  });

  it('the CLI against the real gateway: exit codes and clear messages', async () => {
    const queueDir = path.join(dir, `cli-${kind}`);
    const env = { VIGIL_AGENT_URL: `http://127.0.0.1:${port}`, VIGIL_AGENT_TOKEN: token, VIGIL_AGENT_QUEUE_DIR: queueDir };
    const args = ['open', '--external-id', `cli-${kind}-1`, '--type', 'CONSOLE', '--user', 'jdoe', '--device', 'tty1', '--owner', 'admin', '--json'];
    const opened = await run(cli, args, { env });
    expect(opened.code).toBe(0);
    const sessionId = JSON.parse(opened.stdout).sessionId as string;
    expect((await run(cli, args, { env })).stdout).toContain(sessionId); // idempotent

    const wrongToken = await run(cli, args, { env: { ...env, VIGIL_AGENT_TOKEN: 'not-a-token', VIGIL_AGENT_QUEUE_DIR: `${queueDir}-bad` } });
    expect(wrongToken.code).toBe(4);
    expect(JSON.parse(wrongToken.stdout)).toMatchObject({ ok: false, status: 401 });

    const invalid = await run(cli, [...args.slice(0, -1), '--owner', 'not a name!'], { env });
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toMatch(/refused by the gateway: gateway answered 400: owner must be a Vigil username/);

    const unreachable = await run(cli, ['open', '--external-id', 'x', '--type', 'PAM', '--user', 'u', '--device', 'd', '--url', 'http://127.0.0.1:1'], { env: { ...env, VIGIL_AGENT_QUEUE_DIR: `${queueDir}-off` } });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/queued x .*ECONNREFUSED/);

    const unknown = await run(cli, ['end', '--session-id', '00000000-0000-4000-8000-000000000000'], { env });
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/unknown session: gateway answered 404/);

    const config = path.join(dir, `broken-${kind}.json`);
    fs.writeFileSync(config, '{"url": "http://x", ');
    const broken = await run(cli, ['flush', '--config', config], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(config);

    const ended = await run(cli, ['end', '--external-id', `cli-${kind}-1`], { env });
    expect(ended.code).toBe(0);
    const entry = await admin().http.get(`/api/access-logs/${sessionId}`).auth(admin().adminToken, { type: 'bearer' }).expect(200);
    expect(entry.body).toMatchObject({ type: 'CONSOLE', device: 'tty1', endReason: 'ended' });
  });
});

/**
 * The crash drill: 20 agents open and end 1,000 sessions (50 each) while the gateway is
 * killed with SIGKILL mid-way and restarted on the same data and port; every session ends up in
 * the access log exactly once and none is left open.
 */
describe('agents and a gateway killed with SIGKILL', () => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = makeTempDir('vigil-agent-crash');
    db = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await gateway?.kill();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('1,000 sessions from 20 agents: each in the access log once, none open', async () => {
    const port = await freePort();
    const env = { ...db.env, PORT: String(port), VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' };
    gateway = await GatewayProcess.start(env);
    const http = request(gateway.url);
    const adminToken = await login(http, ADMIN.username, ADMIN.password);
    const url = gateway.url;
    const agents = await Promise.all(
      Array.from({ length: 20 }, async (_, a) => {
        const token = (await http.post('/api/agents').auth(adminToken, { type: 'bearer' }).send({ name: `crash-${a}`, kind: 'agent' }).expect(201)).body.token as string;
        return new VigilAgent({ queueDir: path.join(dir, `agent-${a}`), url, token, requestTimeoutMs: 5_000, backoff: { baseMs: 100, maxMs: 1_000 }, heartbeatIntervalMs: 0 });
      }),
    );
    for (const agent of agents) agent.start();
    let done = 0;
    let queued = 0;
    let killed: Promise<void> | undefined;
    const work = agents.map(async (agent, a) => {
      for (let i = 0; i < 50; i++) {
        const externalId = `crash-${a}-${i}`;
        if ((await agent.open(pam(externalId))).state === 'queued') queued++;
        if ((await agent.end(externalId)).state === 'queued') queued++;
        if (++done === 300) killed = gateway!.kill('SIGKILL');
      }
    });
    await Promise.all(work);
    await killed;
    expect(queued).toBeGreaterThan(0); // the kill landed mid-way: the queues had work to replay
    gateway = await GatewayProcess.start(env);
    for (const agent of agents) void agent.flush();
    await eventually(async () => agents.reduce((n, a) => n + a.status().pending, 0), (n) => n === 0, 120_000);
    for (const agent of agents) await agent.close();

    const http2 = request(gateway.url);
    const token2 = await login(http2, ADMIN.username, ADMIN.password);
    const ended = await listByPrefix(http2, token2, '/api/access-logs', 'crash-');
    const open = await listByPrefix(http2, token2, '/api/sessions', 'crash-');
    const counts = countByExternalId(ended);
    expect(open).toEqual([]);
    expect(counts.size).toBe(1_000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 240_000);
});
