import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Clock } from './clock';
import { QueueFullError, UnknownSessionError } from './errors';
import { AgentTransport, EndBody, OpenRequest, OpenedSession, TransportError } from './transport';
import { VigilAgent } from './vigil-agent';

/** A gateway in memory: can be "down", remembers sessions by externalId like the real one. */
class FakeTransport implements AgentTransport {
  down = false;
  refuse?: TransportError;
  calls: string[] = [];
  sessions = new Map<string, string>();
  beats: string[][] = [];
  async open(request: OpenRequest): Promise<OpenedSession> {
    this.calls.push(`open:${request.externalId}`);
    if (this.down) throw new TransportError('gateway unreachable: ECONNREFUSED', true);
    if (this.refuse) throw this.refuse;
    const id = this.sessions.get(request.externalId) ?? `id-${request.externalId}`;
    this.sessions.set(request.externalId, id);
    return { id, externalId: request.externalId, status: 'Connected' };
  }
  gone = new Set<string>();
  async heartbeat(ids: string[]): Promise<void> {
    if (this.down) throw new TransportError('down', true);
    this.beats.push(ids);
    const unknown = ids.filter((id) => this.gone.has(id));
    if (unknown.length) throw Object.assign(new TransportError('gateway answered 404', false, 404), { sessionIds: unknown });
  }
  async end(sessionId: string, _body: EndBody): Promise<void> {
    this.calls.push(`end:${sessionId}`);
    if (this.down) throw new TransportError('gateway answered 503', true, 503);
  }
  async close(): Promise<void> {}
}

/** Timers fire only when the test advances time. */
class FakeClock implements Clock {
  t = 1_700_000_000_000;
  timers: { at: number; fn: () => void; handle: number }[] = [];
  private next = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const handle = ++this.next;
    this.timers.push({ at: this.t + ms, fn, handle });
    return handle;
  };
  clearTimeout = (handle: unknown) => void (this.timers = this.timers.filter((x) => x.handle !== handle));
  delays(): number[] {
    return this.timers.map((x) => x.at - this.t);
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.at <= this.t)) {
      this.clearTimeout(timer.handle);
      timer.fn();
    }
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }
}

const req = (externalId: string): OpenRequest => ({ externalId, type: 'PAM', user: 'jdoe', device: '10.0.0.1', client: 'host', owner: 'jdoe' });

describe('VigilAgent', () => {
  let dir: string;
  let transport: FakeTransport;
  let clock: FakeClock;
  const agents: VigilAgent[] = [];
  const make = (extra: Partial<ConstructorParameters<typeof VigilAgent>[0]> = {}) => {
    const agent = new VigilAgent({ queueDir: dir, transport, clock, backoff: { baseMs: 1_000, maxMs: 8_000, random: () => 0 }, heartbeatIntervalMs: 30_000, ...extra });
    agents.push(agent);
    return agent;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-agent-'));
    transport = new FakeTransport();
    clock = new FakeClock();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends at once when the gateway is up, and ends by externalId', async () => {
    const agent = make();
    await expect(agent.open(req('a'))).resolves.toEqual({ state: 'sent', session: { id: 'id-a', externalId: 'a', status: 'Connected' } });
    await expect(agent.end('a')).resolves.toEqual({ state: 'sent', sessionId: 'id-a' });
    expect(transport.calls).toEqual(['open:a', 'end:id-a']);
    expect(agent.status()).toMatchObject({ pending: 0, openSessions: 0 });
  });

  it('queues while down (an end behind its own queued open), then replays in order in a new process', async () => {
    transport.down = true;
    const first = make();
    await expect(first.open(req('a'))).resolves.toMatchObject({ state: 'queued', externalId: 'a' });
    await first.open(req('b'));
    await expect(first.end('a', { reason: 'ended' })).resolves.toMatchObject({ state: 'queued' });
    await first.close();
    transport.down = false;
    transport.calls = [];
    const second = make();
    await expect(second.flush()).resolves.toEqual({ sent: 3, dropped: 0, remaining: 0 });
    expect(transport.calls).toEqual(['open:a', 'open:b', 'end:id-a']);
    expect([...second.queue.state().sessions]).toEqual([['b', 'id-b']]);
  });

  it('retries with growing, jittered delays once started, and resets after success', async () => {
    transport.down = true;
    const agent = make({ heartbeatIntervalMs: 0 });
    await agent.open(req('a'));
    agent.start();
    await clock.advance(0);
    expect(clock.delays()).toEqual([500]);
    await clock.advance(500);
    expect(clock.delays()).toEqual([1_000]);
    await clock.advance(1_000);
    expect(clock.delays()).toEqual([2_000]);
    transport.down = false;
    await clock.advance(2_000);
    expect(clock.delays()).toEqual([]);
    expect(agent.status().pending).toBe(0);
    expect(transport.calls.filter((c) => c === 'open:a').length).toBeGreaterThanOrEqual(4);
    expect(transport.sessions.size).toBe(1);
  });

  it('heartbeats every session the queue knows open, batched, and stops after the end', async () => {
    const agent = make({ heartbeatBatch: 2 });
    for (const id of ['a', 'b', 'c']) await agent.open(req(id));
    agent.start();
    await clock.advance(30_000);
    expect(transport.beats).toEqual([['id-a', 'id-b'], ['id-c']]);
    await agent.end('b');
    transport.beats = [];
    await clock.advance(30_000);
    expect(transport.beats.flat().sort()).toEqual(['id-a', 'id-c']);
  });

  it('stops heartbeating sessions the gateway no longer has open (timed out, terminated)', async () => {
    const agent = make({ heartbeatBatch: 1 });
    for (const id of ['a', 'b', 'c']) await agent.open(req(id));
    transport.gone.add('id-a');
    await expect(agent.heartbeat()).rejects.toMatchObject({ status: 404 });
    expect(transport.beats).toEqual([['id-a'], ['id-b'], ['id-c']]); // a 404 does not stop the other batches
    expect([...agent.queue.state().sessions.keys()].sort()).toEqual(['b', 'c']);
    transport.beats = [];
    await agent.heartbeat();
    expect(transport.beats.flat().sort()).toEqual(['id-b', 'id-c']);
  });

  it('drops an item the gateway refuses (4xx) and its queued end, keeps going with the rest', async () => {
    transport.down = true;
    const agent = make();
    await agent.open(req('bad'));
    await agent.end('bad');
    await agent.open(req('good'));
    transport.down = false;
    const events: string[] = [];
    const replay = make({ onEvent: (e) => events.push(e.type) });
    transport.refuse = new TransportError('gateway answered 400: owner must be a Vigil username', false, 400);
    const openBad = transport.open.bind(transport);
    transport.open = async (r) => (r.externalId === 'bad' ? openBad(r) : (transport.refuse = undefined, openBad(r)));
    await expect(replay.flush()).resolves.toEqual({ sent: 1, dropped: 2, remaining: 0 });
    expect(events.filter((e) => e === 'dropped')).toHaveLength(2);
    expect([...replay.queue.state().sessions.keys()]).toEqual(['good']);
  });

  it('keeps the queue when the token is refused (401): a configuration problem, not the items', async () => {
    const agent = make();
    transport.refuse = new TransportError('gateway answered 401: Unauthorized', false, 401);
    await expect(agent.open(req('a'))).rejects.toMatchObject({ status: 401 });
    expect(agent.status().pending).toBe(1);
  });

  it('refuses an end for a session it never opened, and a full queue clearly', async () => {
    const agent = make({ maxQueueItems: 2 });
    await expect(agent.end('never')).rejects.toBeInstanceOf(UnknownSessionError);
    transport.down = true;
    await agent.open(req('a'));
    await agent.open(req('b'));
    await expect(agent.open(req('c'))).rejects.toBeInstanceOf(QueueFullError);
  });

  it('coalesces concurrent opens into ordered sends, none lost', async () => {
    const agent = make();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => agent.open(req(`s${i}`))));
    expect(results.every((r) => r.state === 'sent')).toBe(true);
    expect(transport.calls).toEqual(Array.from({ length: 50 }, (_, i) => `open:s${i}`));
  });
});
