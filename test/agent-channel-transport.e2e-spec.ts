import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenRequest, SocketTransport, TransportError, VigilAgent } from '@vigil/agent-sdk';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createUser, sessionPayload, startTestGateway, startTestGatewayOn } from './support/test-gateway';
import { eventually } from './support/wait';

/**
 * The SDK's SocketTransport against the real gateway's /agents: through VigilAgent (queue,
 * batching) hundreds of sessions open, heartbeat and end exactly once; the channel survives a
 * gateway restart; a revoked token becomes a final 401.
 */
describe.each(DATABASE_KINDS)('SocketTransport ↔ /agents on %s', (kind) => {
  let gw: TestGateway;
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    await createUser(gw, 'alice');
  });
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await gw?.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const newAgent = async (name: string): Promise<{ id: string; token: string }> =>
    (await gw.http.post('/api/agents').auth(gw.adminToken, { type: 'bearer' }).send({ name, kind: 'agent' }).expect(201)).body;
  const sdk = (url: string, token: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sdk-socket-'));
    dirs.push(dir);
    const transport = new SocketTransport({ url, token, timeoutMs: 20_000 });
    const agent = new VigilAgent({ queueDir: dir, transport, heartbeatBatch: 1000 });
    closers.push(() => agent.close());
    return { agent, transport };
  };

  it('opens, heartbeats (batched) and ends 120 sessions through VigilAgent, each exactly once', async () => {
    const { token } = await newAgent('sdk-socket-many');
    const { agent } = sdk(gw.url, token);
    const payloads = Array.from({ length: 120 }, (_, i) => sessionPayload({ owner: 'alice', externalId: `sdk-many-${i}` }));
    for (const payload of payloads) await expect(agent.open(payload as OpenRequest)).resolves.toMatchObject({ state: 'sent' });
    // a replay of the same externalId is the same session
    const again = await agent.open(payloads[0] as OpenRequest);
    expect(again.state === 'sent' && again.session.id).toBe(agent.queue.state().sessions.get(payloads[0].externalId));
    // every open session in one heartbeat event (SocketTransport batches up to 1000 ids)
    const ids = await agent.heartbeat();
    expect(ids).toHaveLength(120);
    for (const payload of payloads) await expect(agent.end(payload.externalId)).resolves.toMatchObject({ state: 'sent' });
    const log = await eventually(
      async () => (await gw.http.get('/api/access-logs?limit=1000').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items as { externalId: string }[],
      (items) => items.filter((e) => e.externalId.startsWith('sdk-many-')).length >= 120,
    );
    const mine = log.filter((e) => e.externalId.startsWith('sdk-many-')).map((e) => e.externalId);
    expect(new Set(mine).size).toBe(120);
    expect(mine).toHaveLength(120);
  });

  it('reconnects by itself after a gateway restart on the same port', async () => {
    const { token } = await newAgent('sdk-socket-restart');
    const first = await startTestGatewayOn(gw.db);
    const port = new URL(first.url).port;
    const { transport } = sdk(first.url, token);
    const before = await transport.open(sessionPayload({ owner: 'alice', externalId: 'restart-1' }) as OpenRequest);
    await first.close();
    const second = await startTestGatewayOn(gw.db, { PORT: port });
    closers.push(() => second.close());
    const after = await eventually(
      () => transport.open(sessionPayload({ owner: 'alice', externalId: 'restart-1' }) as OpenRequest).catch((e: TransportError) => e),
      (answer) => !(answer instanceof TransportError),
      30_000,
    );
    expect(after).toMatchObject({ id: before.id });
    await expect(transport.heartbeat([before.id])).resolves.toBeUndefined();
  });

  it('a revoked token turns every call into a final 401', async () => {
    const agentRow = await newAgent('sdk-socket-revoked');
    const { transport } = sdk(gw.url, agentRow.token);
    const session = await transport.open(sessionPayload({ owner: 'alice' }) as OpenRequest);
    await gw.http.delete(`/api/agents/${agentRow.id}`).auth(gw.adminToken, { type: 'bearer' }).expect(204);
    await eventually(
      async () => transport.connected,
      (connected) => !connected,
    );
    await expect(transport.heartbeat([session.id])).rejects.toMatchObject({ retryable: false, status: 401 });
    const fresh = new SocketTransport({ url: gw.url, token: agentRow.token, timeoutMs: 10_000 });
    closers.push(() => fresh.close());
    await expect(fresh.open(sessionPayload({ owner: 'alice' }) as OpenRequest)).rejects.toMatchObject({ retryable: false, status: 401 });
  });
});
