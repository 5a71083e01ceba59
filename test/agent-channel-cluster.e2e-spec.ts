import { io, Socket } from 'socket.io-client';
import { TestDatabase, createTestDatabase } from './support/databases';
import { RedisServer } from './support/redis-server';
import { TestGateway, createUser, sessionPayload, startTestGatewayOn } from './support/test-gateway';

/**
 * /agents in a cluster (two gateways, one database, socket.io's Redis adapter): an agent on
 * gateway B is closed at once when an admin revokes it on gateway A, whose process alone hears
 * the revocation; a session opened over B's socket is the same one A's HTTP API sees; B refuses
 * new handshakes with the token once its verified-token cache expires.
 */
describe('agent channel across gateways through Redis', () => {
  let redis: RedisServer;
  let db: TestDatabase;
  let a: TestGateway;
  let b: TestGateway;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await createTestDatabase('sqlite');
    a = await startTestGatewayOn(db, { REDIS_URL: redis.url });
    b = await startTestGatewayOn(db, { REDIS_URL: redis.url });
    await createUser(a, 'alice');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await b?.close();
    await a?.close();
    await db?.drop();
    await redis?.stop();
  });

  const connect = (gw: TestGateway, token: string): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(`${gw.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });

  it('a revoke on gateway A closes the agent’s socket on gateway B at once', async () => {
    const agent = (await a.http.post('/api/agents').auth(a.adminToken, { type: 'bearer' }).send({ name: 'cluster-agent', kind: 'agent' }).expect(201)).body;
    const onB = await connect(b, agent.token);
    const payload = sessionPayload({ owner: 'alice' });
    const opened = await onB.timeout(30_000).emitWithAck('open', payload);
    expect(opened).toMatchObject({ ok: true, created: true });
    const viaA = await a.http.post('/api/agent/sessions').auth(agent.token, { type: 'bearer' }).send(payload).expect(200);
    expect(viaA.body.id).toBe(opened.session.id);

    const notice = new Promise<{ reason: string }>((resolve) => onB.once('revoked', resolve));
    const closed = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    const started = Date.now();
    await a.http.delete(`/api/agents/${agent.id}`).auth(a.adminToken, { type: 'bearer' }).expect(204);
    await expect(notice).resolves.toMatchObject({ reason: 'revoked' });
    await expect(closed).resolves.toBe('io server disconnect');
    // pushed through Redis, not found by B at its next token check (5 s cache): generous for CI
    expect(Date.now() - started).toBeLessThan(3000);
    // a new handshake: refused at once where the revoke happened; elsewhere once the verified-token
    // cache (5 s, the same for HTTP: README "Security") has let the token go
    await expect(connect(a, agent.token)).rejects.toThrow(/unauthorized/);
    const deadline = Date.now() + 15_000;
    let refusedOnB = false;
    while (!refusedOnB && Date.now() < deadline) {
      refusedOnB = await connect(b, agent.token).then(
        (socket) => (socket.close(), false),
        () => true,
      );
      if (!refusedOnB) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(refusedOnB).toBe(true);
    expect(Date.now() - started).toBeLessThan(12_000);
  });
});
