import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentTransport, EndBody, OpenRequest, OpenedSession, TransportError } from '@vigil/agent-sdk';
import { COMMANDS } from './cli-args';
import { EXIT } from './exit-codes';
import { runCli } from './run-cli';

class FakeGateway implements AgentTransport {
  mode: 'up' | 'down' | 'refuse400' | 'refuse401' = 'up';
  opened: OpenRequest[] = [];
  ended: { id: string; body: EndBody }[] = [];
  beats: string[] = [];
  private fail(): void {
    if (this.mode === 'down') throw new TransportError('gateway unreachable: connect ECONNREFUSED 127.0.0.1:9', true);
    if (this.mode === 'refuse400') throw new TransportError('gateway answered 400: owner must be a Vigil username', false, 400);
    if (this.mode === 'refuse401') throw new TransportError('gateway answered 401: Unauthorized', false, 401);
  }
  async open(r: OpenRequest): Promise<OpenedSession> {
    this.fail();
    this.opened.push(r);
    return { id: `00000000-0000-4000-8000-${String(this.opened.length).padStart(12, '0')}`, externalId: r.externalId, status: 'Connected' };
  }
  async heartbeat(ids: string[]): Promise<void> {
    this.fail();
    this.beats.push(...ids);
  }
  async end(id: string, body: EndBody): Promise<void> {
    this.fail();
    this.ended.push({ id, body });
  }
  async close(): Promise<void> {}
}

describe('vigil-agent CLI', () => {
  let dir: string;
  let gateway: FakeGateway;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    gateway = new FakeGateway();
    env = { VIGIL_AGENT_URL: 'http://127.0.0.1:9', VIGIL_AGENT_TOKEN: 't0ken', VIGIL_AGENT_QUEUE_DIR: path.join(dir, 'q') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], transport: AgentTransport | 'http' = gateway) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, { transport: transport === 'http' ? undefined : transport, hostname: () => 'host-1' });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
  }
  const OPEN = ['open', '--external-id', 'h:1:jdoe', '--type', 'PAM', '--user', 'jdoe', '--device', '10.0.0.9'];

  it('has --help for every command and a general help, all exit 0', async () => {
    for (const command of COMMANDS) {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(EXIT.OK);
      expect(r.stdout).toContain(`usage: vigil-agent ${command}`);
      expect(r.stdout).toContain('--queue-dir');
    }
    const general = await cli(['--help']);
    expect(general.code).toBe(0);
    for (const command of COMMANDS) expect(general.stdout).toContain(command);
    expect(general.stdout).toContain('3 queued');
  });

  it('usage errors exit 2 with a clear message and queue nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['nope'], /unknown command "nope"/],
      [['open', '--bogus'], /Unknown option '--bogus'/],
      [['open', '--type', 'PAM'], /--external-id is required/],
      [[...OPEN.slice(0, 4), 'SSM', ...OPEN.slice(5)], /--type must be one of/],
      [[...OPEN, '--port', '70000'], /--port must be/],
      [[...OPEN, '--start-date', 'yesterday'], /--start-date must be an ISO-8601/],
      [['end'], /exactly one of --external-id or --session-id/],
      [['end', '--session-id', 'not-a-uuid'], /must be a UUID/],
      [['end', '--external-id', 'x', '--reason', 'timeout'], /--reason must be one of/],
      [['flush', '--timeout', 'soon'], /timeout must be/],
      [['flush', '--url', 'ftp://x'], /url must be an http/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: EXIT.USAGE });
      expect(r.stderr).toMatch(message);
    }
    expect((await cli(['status', '--json'])).json()).toMatchObject({ ok: true, pending: 0 });
  });

  it('a malformed or unreadable config file exits 2 naming the file', async () => {
    const bad = path.join(dir, 'bad.json');
    for (const [content, message] of [
      ['{ "url": ', /not valid JSON/],
      ['[1,2]', /must hold a JSON object/],
      ['{"urll": "http://x"}', /unknown key "urll"/],
      ['{"timeoutMs": "fast"}', /timeoutMs must be a number/],
    ] as const) {
      fs.writeFileSync(bad, content);
      const r = await cli(['flush', '--config', bad]);
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.stderr).toContain(bad);
      expect(r.stderr).toMatch(message);
    }
    const missing = await cli(['flush', '--config', path.join(dir, 'missing.json')]);
    expect(missing.code).toBe(EXIT.USAGE);
    expect(missing.stderr).toMatch(/ENOENT/);
  });

  it('needs a url and a token for commands that talk to the gateway (real HTTP transport)', async () => {
    delete env.VIGIL_AGENT_TOKEN;
    const r = await cli(OPEN, 'http');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/no agent token/);
  });

  it('config file < environment < flags', async () => {
    const file = path.join(dir, 'agent.json');
    fs.writeFileSync(file, JSON.stringify({ queueDir: path.join(dir, 'from-file'), owner: 'file-owner' }));
    delete env.VIGIL_AGENT_QUEUE_DIR;
    expect((await cli(['status', '--config', file, '--json'])).json().queueDir).toBe(path.join(dir, 'from-file'));
    env.VIGIL_AGENT_QUEUE_DIR = path.join(dir, 'from-env');
    expect((await cli(['status', '--config', file, '--json'])).json().queueDir).toBe(path.join(dir, 'from-env'));
    expect((await cli(['status', '--config', file, '--queue-dir', path.join(dir, 'from-flag'), '--json'])).json().queueDir).toBe(path.join(dir, 'from-flag'));
    await cli([...OPEN, '--config', file]);
    expect(gateway.opened[0]).toMatchObject({ owner: 'file-owner', client: 'host-1' });
    await cli([...OPEN.map((a) => (a === 'h:1:jdoe' ? 'h:2' : a)), '--config', file, '--owner', 'flag-owner']);
    expect(gateway.opened[1].owner).toBe('flag-owner');
  });

  it('open → 0, heartbeat → 0, end → 0, with --json for scripts', async () => {
    const opened = await cli([...OPEN, '--json']);
    expect(opened.code).toBe(EXIT.OK);
    expect(opened.json()).toMatchObject({ ok: true, exitCode: 0, state: 'sent', externalId: 'h:1:jdoe' });
    expect(gateway.opened[0]).toEqual({ externalId: 'h:1:jdoe', type: 'PAM', user: 'jdoe', device: '10.0.0.9', client: 'host-1', owner: 'jdoe', startDate: expect.any(String) });
    const beat = await cli(['heartbeat', '--json']);
    expect(beat.json()).toMatchObject({ ok: true, sessions: 1 });
    expect(gateway.beats).toEqual([opened.json().sessionId]);
    const ended = await cli(['end', '--external-id', 'h:1:jdoe', '--reason', 'failed']);
    expect(ended.code).toBe(EXIT.OK);
    expect(gateway.ended).toEqual([{ id: opened.json().sessionId, body: { reason: 'failed', endDate: expect.any(String) } }]);
    expect((await cli(['status', '--json'])).json()).toMatchObject({ pending: 0, openSessions: 0 });
  });

  it('gateway unreachable → 3 and queued; flush replays once it is back (0), a second flush has nothing', async () => {
    gateway.mode = 'down';
    expect((await cli(OPEN)).code).toBe(EXIT.QUEUED);
    const end = await cli(['end', '--external-id', 'h:1:jdoe', '--json']);
    expect(end.code).toBe(EXIT.QUEUED);
    expect(end.json()).toMatchObject({ ok: false, state: 'queued' });
    expect((await cli(['flush'])).code).toBe(EXIT.QUEUED);
    expect((await cli(['status', '--json'])).json()).toMatchObject({ pending: 2 });
    gateway.mode = 'up';
    const flushed = await cli(['flush', '--json']);
    expect(flushed.json()).toMatchObject({ ok: true, sent: 2, remaining: 0 });
    expect(gateway.opened).toHaveLength(1);
    expect(gateway.ended).toHaveLength(1);
    expect((await cli(['flush', '--json'])).json()).toMatchObject({ sent: 0 });
  });

  it('refused by the gateway → 4 (bad field: dropped; wrong token: kept)', async () => {
    gateway.mode = 'refuse400';
    const r = await cli(OPEN);
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.stderr).toContain('owner must be a Vigil username');
    expect((await cli(['status', '--json'])).json()).toMatchObject({ pending: 0 });
    gateway.mode = 'refuse401';
    const token = await cli([...OPEN, '--json']);
    expect(token.code).toBe(EXIT.REFUSED);
    expect(token.json()).toMatchObject({ status: 401 });
    expect((await cli(['status', '--json'])).json()).toMatchObject({ pending: 1 });
  });

  it('unknown session → 5; full queue → 6', async () => {
    const r = await cli(['end', '--external-id', 'never-opened']);
    expect(r.code).toBe(EXIT.UNKNOWN_SESSION);
    expect(r.stderr).toContain('never-opened');
    expect((await cli(['heartbeat', '--external-id', 'never-opened'])).code).toBe(EXIT.UNKNOWN_SESSION);
    env.VIGIL_AGENT_MAX_QUEUE = '1';
    gateway.mode = 'down';
    expect((await cli(OPEN)).code).toBe(EXIT.QUEUED);
    const full = await cli([...OPEN.map((a) => (a === 'h:1:jdoe' ? 'h:2' : a))]);
    expect(full.code).toBe(EXIT.QUEUE_FULL);
    expect(full.stderr).toMatch(/queue is full \(1 pending/);
  });

  it('watch replays and heartbeats until stopped', async () => {
    gateway.mode = 'down';
    await cli(OPEN);
    gateway.mode = 'up';
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => (stop = r));
    let stderr = '';
    const running = runCli(['watch', '--interval', '1', '--json'], env, { stdout: () => undefined, stderr: (t) => (stderr += t), stopSignal }, { transport: gateway });
    const deadline = Date.now() + 15_000;
    while (gateway.beats.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(await running).toBe(EXIT.OK);
    expect(gateway.opened).toHaveLength(1);
    expect(gateway.beats.length).toBeGreaterThan(0);
    expect(stderr).toContain('"type":"sent"');
  });
});
