import type { Session } from '@aws-sdk/client-ssm';
import type { ImportedEnd, RegistryInput } from './aws-session';
import type { ImportRegistry, ImportStore, MirrorRow, PollFailure, PollSuccess } from './import-ports';
import { HISTORY_MARGIN_MS, MirrorState } from './poll-plan';
import { collectPages } from './session-lister';
import type { ListResult, SessionLister } from './session-lister';
import { PolledSource, Scheduler, SourcePoller } from './source-poller';

/** The registry's rules that matter here: (agent, externalId) names one session forever; a session ends once. */
class FakeRegistry implements ImportRegistry {
  keys = new Map<string, string>();
  open_ = new Map<string, { input: RegistryInput; status: string; heartbeats: number; startDate: number }>();
  ended = new Map<string, { input: RegistryInput; end: ImportedEnd | 'timeout' }>();
  opens = 0;
  private next = 0;

  async open(agentId: string, input: RegistryInput) {
    this.opens++;
    const key = `${agentId}/${input.externalId}`;
    const existing = this.keys.get(key);
    const startDate = Date.parse(input.startDate);
    if (existing) return { sessionId: existing, startDate, ended: this.ended.has(existing), created: false };
    const id = `vigil-${++this.next}`;
    this.keys.set(key, id);
    this.open_.set(id, { input, status: 'Connected', heartbeats: 0, startDate });
    return { sessionId: id, startDate, ended: false, created: true };
  }
  async end(_agentId: string, sessionId: string, end: ImportedEnd) {
    const open = this.open_.get(sessionId);
    if (!open) return 'already-ended' as const;
    this.open_.delete(sessionId);
    this.ended.set(sessionId, { input: open.input, end });
    return 'ended' as const;
  }
  async heartbeat(_agentId: string, sessionId: string) {
    const open = this.open_.get(sessionId);
    if (!open) return 'gone' as const;
    open.heartbeats++;
    open.status = 'Connected';
    return 'ok' as const;
  }
  async disconnect(sessionId: string) {
    const open = this.open_.get(sessionId);
    if (!open) return 'gone' as const;
    open.status = 'Disconnected';
    return 'ok' as const;
  }
  async stillOpen(ids: string[]) {
    return new Set(ids.filter((id) => this.open_.has(id)));
  }
  /** what the timeout sweep does to a silent session */
  timeOut(sessionId: string) {
    const open = this.open_.get(sessionId)!;
    this.open_.delete(sessionId);
    this.ended.set(sessionId, { input: open.input, end: 'timeout' });
  }
}

class FakeStore implements ImportStore {
  mirrors = new Map<string, MirrorRow>();
  lease: { holder: string; until: number } | null = null;
  successes: PollSuccess[] = [];
  failures: PollFailure[] = [];
  lastSuccessStarted: number | null = null;

  async acquireLease(_id: string, holder: string, now: number, ttl: number) {
    if (this.lease && this.lease.holder !== holder && this.lease.until > now) return false;
    this.lease = { holder, until: now + ttl };
    return true;
  }
  async releaseLease(_id: string, holder: string) {
    if (this.lease?.holder === holder) this.lease = null;
  }
  async lastSuccessStartedAt() {
    return this.lastSuccessStarted;
  }
  async openMirrors() {
    return [...this.mirrors.values()].filter((m) => !m.ended);
  }
  async mirrorsOf(_id: string, ids: string[]) {
    return new Map(ids.filter((id) => this.mirrors.has(id)).map((id) => [id, this.mirrors.get(id)! as MirrorState]));
  }
  async saveMirror(_id: string, row: MirrorRow) {
    const before = this.mirrors.get(row.awsSessionId);
    this.mirrors.set(row.awsSessionId, { ...row, firstSeenAt: before?.firstSeenAt ?? row.firstSeenAt });
  }
  async touch(_id: string, ids: string[], at: number) {
    for (const id of ids) this.mirrors.get(id)!.lastSeenAt = at;
  }
  async markEnded(_id: string, ids: string[]) {
    for (const id of ids) this.mirrors.get(id)!.ended = true;
  }
  async recordSuccess(_id: string, success: PollSuccess) {
    this.successes.push(success);
    this.lastSuccessStarted = success.startedAt;
  }
  async recordFailure(_id: string, failure: PollFailure) {
    this.failures.push(failure);
  }
}

/** An SSM endpoint in memory: sessions per state, served in pages of two. */
class FakeSsm implements SessionLister {
  active: Session[] = [];
  history: Session[] = [];
  calls: { state: string; startedFrom?: number }[] = [];
  failWith: Error | null = null;
  closed = false;

  list(state: 'Active' | 'History', startedFrom?: number): Promise<ListResult> {
    this.calls.push({ state, startedFrom });
    const all = (state === 'Active' ? this.active : this.history).filter((s) => startedFrom === undefined || s.StartDate!.getTime() >= startedFrom);
    return collectPages(async (token) => {
      if (this.failWith) throw this.failWith;
      const at = token ? Number(token) : 0;
      return { sessions: all.slice(at, at + 2), ...(at + 2 < all.length ? { nextToken: String(at + 2) } : {}) };
    });
  }
  close() {
    this.closed = true;
  }
}

const T0 = Date.UTC(2026, 0, 10, 12);
const source: PolledSource = { id: 'src-1', name: 'lab', region: 'eu-west-1', agentId: 'agent-ssm-lab', pollIntervalSeconds: 10 };

function ssmSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    SessionId: id,
    Target: 'i-0123456789abcdef0',
    Status: 'Connected',
    StartDate: new Date(T0 - 60_000),
    DocumentName: 'SSM-SessionManagerRunShell',
    Owner: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0a1b2c/alice@example.com',
    ...overrides,
  };
}

function setup(random = () => 0.5) {
  const time = { now: T0 };
  const clock = { now: () => time.now };
  const manual: Scheduler = { schedule: () => () => undefined };
  const ssm = new FakeSsm();
  const registry = new FakeRegistry();
  const store = new FakeStore();
  const errors: string[] = [];
  const poller = (holder = 'gw-1') =>
    new SourcePoller(source, { lister: ssm, registry, store, clock, scheduler: manual, holder, random, onError: (m) => errors.push(m) });
  return { time, ssm, registry, store, errors, poller };
}

describe('SourcePoller', () => {
  it('registers Active sessions with their AWS attributes, and History ones as open-then-ended, reading every page', async () => {
    const { ssm, registry, store, poller } = setup();
    ssm.active = [ssmSession('alice-1'), ssmSession('alice-2', { Status: 'Connecting' }), ssmSession('bob-1', { Owner: 'arn:aws:iam::123456789012:user/bob', Reason: 'ticket 42' })];
    ssm.history = [ssmSession('old-1', { Status: 'Failed', StartDate: new Date(T0 - 3_600_000), EndDate: new Date(T0 - 3_000_000) })];

    const next = await poller().pollOnce();

    expect(next).toBe(T0 + 10_000);
    expect([...registry.open_.values()].map((s) => s.input.externalId).sort()).toEqual(['alice-1', 'alice-2', 'bob-1']);
    const alice = [...registry.open_.values()].find((s) => s.input.externalId === 'alice-1')!.input;
    expect(alice).toEqual({
      externalId: 'alice-1',
      type: 'SSM',
      user: 'alice@example.com',
      device: 'i-0123456789abcdef0',
      client: 'i-0123456789abcdef0',
      serviceUrl: 'ssm://eu-west-1/i-0123456789abcdef0',
      accountName: '123456789012',
      serviceProvider: 'aws-ssm:lab',
      owner: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0a1b2c/alice@example.com',
      startDate: new Date(T0 - 60_000).toISOString(),
    });
    const [old] = [...registry.ended.values()];
    expect(old.input.externalId).toBe('old-1');
    expect(old.end).toEqual({ reason: 'failed', endDate: T0 - 3_000_000 });
    expect(store.mirrors.get('bob-1')).toMatchObject({ reason: 'ticket 42', documentName: 'SSM-SessionManagerRunShell', ended: false, awsStatus: 'Connected' });
    expect(store.successes).toEqual([expect.objectContaining({ active: 3, history: 1, imported: 4, ended: 1, rejected: 0 })]);
    // the first poll reads the whole History; pages of two were followed to the end
    expect(ssm.calls).toEqual([{ state: 'Active', startedFrom: undefined }, { state: 'History', startedFrom: undefined }]);
  });

  it('heartbeats what is still Active on each poll and registers nothing twice', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a'), ssmSession('b')];
    const p = poller();
    await p.pollOnce();
    time.now += 10_000;
    await p.pollOnce();
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.keys.size).toBe(2);
    expect([...registry.open_.values()].map((s) => s.heartbeats)).toEqual([2, 2]);
    expect(store.successes.map((s) => s.imported)).toEqual([2, 0, 0]);
    expect(store.mirrors.get('a')!.lastSeenAt).toBe(T0 + 20_000);
    expect(store.mirrors.get('a')!.firstSeenAt).toBe(T0);
  });

  it('ends a session once when it moves to History: AWS’s end date, reason from its status, AWS’s Reason as the message', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a', { Reason: 'patching' })];
    const p = poller();
    await p.pollOnce();
    ssm.active = [];
    ssm.history = [ssmSession('a', { Status: 'Terminated', Reason: 'patching', EndDate: new Date(T0 + 5_000) })];
    time.now += 10_000;
    await p.pollOnce();
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.ended.size).toBe(1);
    expect([...registry.ended.values()][0].end).toEqual({ reason: 'ended', endDate: T0 + 5_000, message: 'patching' });
    expect(store.successes.map((s) => s.ended)).toEqual([0, 1, 0]);
    expect(store.mirrors.get('a')).toMatchObject({ ended: true, awsStatus: 'Terminated', endDate: T0 + 5_000 });
  });

  it('lets History win over Active for a session listed in both (it ended between the two calls)', async () => {
    const { ssm, registry, poller } = setup();
    ssm.active = [ssmSession('a')];
    ssm.history = [ssmSession('a', { Status: 'Terminated', EndDate: new Date(T0 - 1_000) })];
    await poller().pollOnce();
    expect(registry.open_.size).toBe(0);
    expect(registry.ended.size).toBe(1);
  });

  it('follows AWS’s Disconnected and back', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a')];
    const p = poller();
    await p.pollOnce();
    const id = registry.keys.get('agent-ssm-lab/a')!;
    ssm.active = [ssmSession('a', { Status: 'Disconnected' })];
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.open_.get(id)!.status).toBe('Disconnected');
    expect(store.mirrors.get('a')!.awsStatus).toBe('Disconnected');
    ssm.active = [ssmSession('a')];
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.open_.get(id)!.status).toBe('Connected');
  });

  it('after a restart (a new poller on the same database) duplicates nothing, even if the mirror row was never written', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a'), ssmSession('b')];
    const first = poller('gw-1');
    await first.pollOnce();
    await first.stop();
    store.mirrors.delete('b'); // the importer stopped between registering b and noting it
    time.now += 60_000;
    await poller('gw-2').pollOnce();
    expect(registry.keys.size).toBe(2);
    expect(registry.opens).toBe(3); // a once, b twice: the second found the first
    expect(store.successes.map((s) => s.imported)).toEqual([2, 0]);
    expect(store.mirrors.get('b')).toMatchObject({ ended: false });
  });

  it('reads History only from the last success (or the oldest open session) minus a margin', async () => {
    const { ssm, time, poller } = setup();
    ssm.active = [ssmSession('long', { StartDate: new Date(T0 - 7 * 86_400_000) })];
    const p = poller();
    await p.pollOnce();
    time.now += 10_000;
    await p.pollOnce();
    expect(ssm.calls[3]).toEqual({ state: 'History', startedFrom: T0 - 7 * 86_400_000 - HISTORY_MARGIN_MS });
    ssm.active = [];
    ssm.history = [ssmSession('long', { Status: 'Terminated', StartDate: new Date(T0 - 7 * 86_400_000), EndDate: new Date(T0) })];
    time.now += 10_000;
    await p.pollOnce();
    expect(ssm.calls[5]).toEqual({ state: 'History', startedFrom: T0 - 7 * 86_400_000 - HISTORY_MARGIN_MS });
    time.now += 10_000;
    await p.pollOnce();
    // nothing open any more: from the last success
    expect(ssm.calls[7]).toEqual({ state: 'History', startedFrom: T0 + 20_000 - HISTORY_MARGIN_MS });
  });

  it('gives a session AWS stops listing (no History entry) no heartbeat, and forgets it once Vigil has timed it out', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a'), ssmSession('gone')];
    const p = poller();
    await p.pollOnce();
    const goneId = registry.keys.get('agent-ssm-lab/gone')!;
    ssm.active = [ssmSession('a')];
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.open_.get(goneId)!.heartbeats).toBe(0);
    expect(store.mirrors.get('gone')!.ended).toBe(false);
    registry.timeOut(goneId);
    time.now += 10_000;
    await p.pollOnce();
    expect(store.mirrors.get('gone')!.ended).toBe(true);
    // and if its History entry shows up after all, it is not ended a second time
    ssm.history = [ssmSession('gone', { Status: 'Terminated', EndDate: new Date(T0 + 1_000) })];
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.ended.get(goneId)!.end).toBe('timeout');
  });

  it('a session ended in Vigil (administrator, timeout) while still Active on AWS stays ended', async () => {
    const { ssm, registry, store, time, poller } = setup();
    ssm.active = [ssmSession('a')];
    const p = poller();
    await p.pollOnce();
    registry.timeOut(registry.keys.get('agent-ssm-lab/a')!);
    time.now += 10_000;
    await p.pollOnce();
    time.now += 10_000;
    await p.pollOnce();
    expect(registry.open_.size).toBe(0);
    expect(registry.keys.size).toBe(1);
    expect(store.mirrors.get('a')!.ended).toBe(true);
  });

  it('backs off exponentially with jitter on throttling and errors, records them, and recovers', async () => {
    const { ssm, store, time, errors, poller } = setup(() => 0);
    ssm.active = [ssmSession('a')];
    const p = poller();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    ssm.failWith = throttled;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const next = await p.pollOnce();
      waits.push(next - time.now);
      time.now = next;
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(store.failures.map((f) => f.consecutiveFailures)).toEqual([1, 2, 3, 4]);
    expect(store.failures[0].error).toBe('ThrottlingException (HTTP 400): Rate exceeded');
    expect(errors[0]).toContain('source lab: ThrottlingException');
    ssm.failWith = null;
    expect((await p.pollOnce()) - time.now).toBe(10_000);
    expect(store.successes).toHaveLength(1);
  });

  it('stops at an endpoint that repeats its NextToken or never stops paging', async () => {
    const { store, poller, ssm } = setup();
    ssm.list = (state) => collectPages(async () => ({ sessions: [ssmSession(`${state}-x`)], nextToken: 'same' }));
    await poller().pollOnce();
    expect(store.failures[0].error).toContain('repeated its NextToken');
    let n = 0;
    await expect(collectPages(async () => ({ sessions: [], nextToken: String(++n) }), 50)).rejects.toThrow('more than 50 pages');
  });

  it('leaves a source alone while another gateway holds its lease, and takes over when it lapses', async () => {
    const { ssm, store, time, poller } = setup();
    ssm.active = [ssmSession('a')];
    store.lease = { holder: 'gw-other', until: T0 + 30_000 };
    await poller().pollOnce();
    expect(ssm.calls).toHaveLength(0);
    time.now = T0 + 30_001;
    await poller().pollOnce();
    expect(ssm.calls).toHaveLength(2);
    expect(store.lease!.holder).toBe('gw-1');
  });

  it('runs as a loop on its scheduler: at once, then at each next time; stop() cancels what is planned', async () => {
    const { ssm, registry, store, time } = setup();
    ssm.active = [ssmSession('a')];
    const planned: { task: () => void; delay: number; cancelled: boolean }[] = [];
    const scheduler: Scheduler = {
      schedule(task, delay) {
        const entry = { task, delay, cancelled: false };
        planned.push(entry);
        return () => (entry.cancelled = true);
      },
    };
    const p = new SourcePoller(source, { lister: ssm, registry, store, clock: { now: () => time.now }, scheduler, holder: 'gw-1' });
    const settle = () => new Promise((r) => setImmediate(r));
    p.start();
    expect(planned.map((e) => e.delay)).toEqual([0]);
    planned[0].task();
    await settle();
    expect(store.successes).toHaveLength(1);
    expect(planned.map((e) => e.delay)).toEqual([0, 10_000]);
    time.now += 10_000;
    planned[1].task();
    await settle();
    expect(store.successes).toHaveLength(2);
    await p.stop();
    expect(planned[2].cancelled).toBe(true);
  });

  it('gives up its lease and closes its client when stopped', async () => {
    const { ssm, store, poller } = setup();
    const p = poller();
    await p.pollOnce();
    expect(store.lease?.holder).toBe('gw-1');
    await p.stop();
    expect(store.lease).toBeNull();
    expect(ssm.closed).toBe(true);
  });

  it('trusts nothing the endpoint sends: no id or date → not imported; a non-ARN owner never reads as a Vigil user; control characters dropped', async () => {
    const { ssm, registry, store, poller } = setup();
    ssm.active = [
      ssmSession('ok', { Owner: 'alice', Target: 'i-1\u001b[2J\r\n' }),
      { Target: 'no-id', StartDate: new Date(T0) },
      ssmSession('no-date', { StartDate: undefined }),
      ssmSession('bad\nid'),
      ssmSession('future', { StartDate: new Date(T0 + 86_400_000) }),
    ];
    await poller().pollOnce();
    const inputs = [...registry.open_.values()].map((s) => s.input);
    expect(inputs.map((i) => i.externalId).sort()).toEqual(['future', 'ok']);
    expect(inputs.find((i) => i.externalId === 'ok')).toMatchObject({ owner: 'aws-ssm:lab/alice', user: 'alice', device: 'i-1[2J' });
    expect(inputs.find((i) => i.externalId === 'future')!.startDate).toBe(new Date(T0).toISOString());
    expect(store.successes[0].rejected).toBe(3);
  });
});
