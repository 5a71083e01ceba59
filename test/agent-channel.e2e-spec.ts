import { io, Socket } from 'socket.io-client';
import { AGENT_CHANNEL_LIMITS, MAX_AGENT_PAYLOAD_BYTES, MAX_HEARTBEAT_BATCH } from '@vigil/agent-channel';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

const UA = 'vigil-agent-channel/1.0 (e2e)';

interface Ack {
  ok: boolean;
  status?: number;
  error?: string;
  retryAfterMs?: number;
  session?: { id: string; externalId: string; status: string };
  created?: boolean;
  unknown?: string[];
  entry?: { id: string; status: string; endReason: string };
  alreadyEnded?: boolean;
}

interface Rec {
  action: string;
  eventName: string;
  userIdentity: { type: string; principalId?: string; userName?: string };
  userAgent: string;
  sourceIPAddress: string;
  sessionId?: string;
}

/**
 * socket.io /agents against the real gateway: the same registry calls, validation, idempotency
 * and audit records as the agent HTTP API; tokens checked at the handshake and after; hostile
 * payloads and floods answered without hurting other agents.
 */
describe.each(DATABASE_KINDS)('agent channel /agents on %s', (kind) => {
  let gw: TestGateway;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    await createUser(gw, 'alice');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw?.close();
  });

  const newAgent = async (name: string): Promise<{ id: string; token: string }> =>
    (await gw.http.post('/api/agents').auth(gw.adminToken, { type: 'bearer' }).send({ name, kind: 'agent' }).expect(201)).body;

  const connect = (token: string | undefined, auth?: Record<string, unknown>): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(`${gw.url}/agents`, {
        auth: auth ?? (token === undefined ? {} : { token }),
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { 'user-agent': UA },
      });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });

  const send = (socket: Socket, event: string, ...args: unknown[]): Promise<Ack> => socket.timeout(30_000).emitWithAck(event, ...args);
  const audit = async (query: string): Promise<Rec[]> =>
    (await gw.http.get(`/api/audit?limit=1000&${query}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items;

  it('open → heartbeat (batched) → end, with the HTTP API\'s idempotency and audit records', async () => {
    const agent = await newAgent('channel-basic');
    const socket = await connect(agent.token);
    const payload = sessionPayload({ type: 'WebSSO', owner: 'alice', serviceProvider: 'crm' });

    const opened = await send(socket, 'open', payload);
    expect(opened).toMatchObject({ ok: true, created: true, session: { externalId: payload.externalId, status: 'Connected' } });
    const id = opened.session!.id;
    // replays, over the socket and over HTTP, name the same session and write nothing
    await expect(send(socket, 'open', payload)).resolves.toMatchObject({ ok: true, created: false, session: { id } });
    const http = await gw.http.post('/api/agent/sessions').auth(agent.token, { type: 'bearer' }).send(payload).expect(200);
    expect(http.body.id).toBe(id);
    const listed = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(listed.body.items.filter((s: { externalId: string }) => s.externalId === payload.externalId)).toHaveLength(1);

    const second = (await send(socket, 'open', sessionPayload({ owner: 'alice' }))).session!.id;
    const stranger = await newAgent('channel-stranger');
    const theirs = (await gw.http.post('/api/agent/sessions').auth(stranger.token, { type: 'bearer' }).send(sessionPayload()).expect(201)).body.id;
    const never = '0190d3c4-6a2b-7c3d-8e4f-0123456789ab';
    await expect(send(socket, 'heartbeat', { sessionIds: [id, second, theirs, never] })).resolves.toEqual({ ok: true, unknown: [theirs, never] });

    const ended = await send(socket, 'end', { sessionId: id, reason: 'ended' });
    expect(ended).toMatchObject({ ok: true, alreadyEnded: false, entry: { id, status: 'Terminated', endReason: 'ended' } });
    await expect(send(socket, 'end', { sessionId: id })).resolves.toMatchObject({ ok: true, alreadyEnded: true, entry: { id } });
    await expect(send(socket, 'end', { sessionId: theirs })).resolves.toEqual({ ok: false, status: 404, error: `session ${theirs} not found` });
    await expect(send(socket, 'heartbeat', { sessionIds: [id] })).resolves.toEqual({ ok: true, unknown: [id] });
    await gw.http.get(`/api/access-logs/${id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);

    const records = await eventually(
      () => audit(`sessionId=${id}`),
      (r) => r.length >= 2,
    );
    expect(records.map((r) => r.action).sort()).toEqual(['session.end', 'session.start']);
    for (const record of records) {
      expect(record).toMatchObject({ userIdentity: expect.objectContaining({ type: 'VigilAgent' }), userAgent: UA, sourceIPAddress: '127.0.0.1' });
    }
  });

  it('validates as the HTTP API does and answers every malformed packet with an ack', async () => {
    const agent = await newAgent('channel-malformed');
    const socket = await connect(agent.token);
    const bad = await send(socket, 'open', sessionPayload({ owner: 'not a user!', admin: true }));
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(bad.error).toContain('property admin should not exist');
    expect(bad.error).toContain('owner must be a Vigil username');
    for (const payload of [null, 'text', 42, [], [sessionPayload()]]) {
      await expect(send(socket, 'open', payload)).resolves.toEqual({ ok: false, status: 400, error: 'payload must be an object' });
    }
    await expect(send(socket, 'heartbeat', { sessionIds: ['../../etc/passwd'] })).resolves.toMatchObject({ ok: false, status: 400, error: 'sessionIds[0] must be a UUID' });
    const tooMany = Array.from({ length: MAX_HEARTBEAT_BATCH + 1 }, (_, i) => `0190d3c4-6a2b-7c3d-8e4f-${i.toString(16).padStart(12, '0')}`);
    await expect(send(socket, 'heartbeat', { sessionIds: tooMany })).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(send(socket, 'end', { sessionId: 'x' })).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(send(socket, 'open', sessionPayload({ owner: 'alice' }), 'extra')).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(send(socket, 'open')).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(send(socket, 'delete-everything', {})).resolves.toMatchObject({ ok: false, status: 400, error: expect.stringContaining('unknown event') });
    await expect(send(socket, 'open', Buffer.alloc(16))).resolves.toMatchObject({ ok: false, status: 400 });
    let deep: unknown = {};
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    await expect(send(socket, 'open', { ...sessionPayload({ owner: 'alice' }), deep })).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(send(socket, 'open', { ...sessionPayload({ owner: 'alice' }), user: 'x'.repeat(MAX_AGENT_PAYLOAD_BYTES) })).resolves.toMatchObject({ ok: false, status: 413 });
    // an event without an ack is dropped, and the socket and the gateway live on
    socket.emit('open', sessionPayload({ owner: 'alice', externalId: 'no-ack' }));
    await expect(send(socket, 'open', sessionPayload({ owner: 'alice' }))).resolves.toMatchObject({ ok: true, created: true });
    expect(socket.connected).toBe(true);
    const sessions = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(sessions.body.items.some((s: { externalId: string }) => s.externalId === 'no-ack')).toBe(false);
    await gw.http.get('/health').expect(200);
    // past socket.io's own packet limit (1 MB) there is no ack: the connection is cut, the gateway lives on
    const big = await connect(agent.token);
    const cut = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit('open', { blob: 'x'.repeat(1_500_000) }, () => undefined);
    await expect(cut).resolves.toMatch(/transport (close|error)/);
    await expect(send(socket, 'open', sessionPayload({ owner: 'alice' }))).resolves.toMatchObject({ ok: true });
  });

  it('refuses handshakes without a valid agent token: missing, forged, a user token, revoked, rotated away', async () => {
    const refusal = /unauthorized: a valid agent token is required/;
    await expect(connect(undefined)).rejects.toThrow(refusal);
    await expect(connect(undefined, { token: 42 })).rejects.toThrow(refusal);
    await expect(connect('vga_' + 'A'.repeat(43))).rejects.toThrow(refusal);
    await expect(connect('x'.repeat(10_000))).rejects.toThrow(refusal);
    await expect(connect(gw.adminToken)).rejects.toThrow(refusal);

    const revoked = await newAgent('channel-revoked');
    await gw.http.delete(`/api/agents/${revoked.id}`).auth(gw.adminToken, { type: 'bearer' }).expect(204);
    await expect(connect(revoked.token)).rejects.toThrow(refusal);

    const rotated = await newAgent('channel-rotated');
    const fresh = (await gw.http.post(`/api/agents/${rotated.id}/rotate`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.token;
    await expect(connect(rotated.token)).rejects.toThrow(refusal);
    const socket = await connect(fresh);
    await expect(send(socket, 'open', sessionPayload({ owner: 'alice' }))).resolves.toMatchObject({ ok: true });
  });

  it('a token revoked (or rotated) while connected closes its sockets at once', async () => {
    for (const how of ['revoke', 'rotate'] as const) {
      const agent = await newAgent(`channel-live-${how}`);
      const first = await connect(agent.token);
      const second = await connect(agent.token);
      const bystander = await connect((await newAgent(`channel-bystander-${how}`)).token);
      const notices = [first, second].map((s) => new Promise<{ reason: string }>((resolve) => s.once('revoked', resolve)));
      const closed = [first, second].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));
      const started = Date.now();
      if (how === 'revoke') await gw.http.delete(`/api/agents/${agent.id}`).auth(gw.adminToken, { type: 'bearer' }).expect(204);
      else await gw.http.post(`/api/agents/${agent.id}/rotate`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
      await expect(Promise.all(notices)).resolves.toEqual([expect.objectContaining({ reason: 'revoked' }), expect.objectContaining({ reason: 'revoked' })]);
      await expect(Promise.all(closed)).resolves.toEqual(['io server disconnect', 'io server disconnect']);
      // "at once": pushed by the revoke, not found at a later check (generous for a loaded CI machine)
      expect(Date.now() - started).toBeLessThan(3000);
      expect(bystander.connected).toBe(true);
      await expect(send(bystander, 'open', sessionPayload({ owner: 'alice' }))).resolves.toMatchObject({ ok: true });
    }
  });

  it('a flood from one agent is rate-limited and leaves the gateway responsive to the others', async () => {
    const flooder = await connect((await newAgent('channel-flooder')).token);
    const calm = await connect((await newAgent('channel-calm')).token);
    const floodStarted = Date.now();
    const flood = Array.from({ length: 2000 }, (_, i) => send(flooder, 'open', sessionPayload({ owner: 'alice', externalId: `flood-${i}` })));
    const heartbeats = Array.from({ length: 200 }, () => send(flooder, 'heartbeat', { sessionIds: ['0190d3c4-6a2b-7c3d-8e4f-0123456789ab'] }));
    const started = Date.now();
    const calmAck = await send(calm, 'open', sessionPayload({ owner: 'alice' }));
    const calmMs = Date.now() - started;
    expect(calmAck).toMatchObject({ ok: true, created: true });
    await gw.http.get('/health').expect(200);
    const [openAcks, heartbeatAcks] = await Promise.all([Promise.all(flood), Promise.all(heartbeats)]);
    const seconds = (Date.now() - floodStarted) / 1000;
    const limited = [...openAcks, ...heartbeatAcks].filter((a) => !a.ok && a.status === 429);
    expect(limited[0]).toMatchObject({ retryAfterMs: expect.any(Number), error: expect.stringContaining('rate limited') });
    expect([...openAcks, ...heartbeatAcks].filter((a) => !a.ok && a.status !== 429)).toEqual([]);
    // no more got through than the buckets hold plus what they refilled while the flood lasted
    const { write, heartbeat } = AGENT_CHANNEL_LIMITS;
    expect(openAcks.filter((a) => a.ok).length).toBeLessThanOrEqual(Math.ceil(write.capacity + write.refillPerSecond * seconds));
    expect(heartbeatAcks.filter((a) => a.ok).length).toBeLessThanOrEqual(Math.ceil(heartbeat.capacity + heartbeat.refillPerSecond * seconds));
    expect(openAcks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(write.capacity);
    // the calm agent waited at most for the flood's admitted share, never for all of it
    expect(calmMs).toBeLessThan(20_000);
    expect(flooder.connected && calm.connected).toBe(true);
  });
});

