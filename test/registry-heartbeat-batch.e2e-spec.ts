import { EventEmitter2 } from '@nestjs/event-emitter';
import { SessionEvents } from '@vigil/common';
import { SessionsService } from '@vigil/sessions';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';

/**
 * SessionsService.heartbeatMany (the /agents channel's heartbeat batch) against the real
 * database: one transaction for the whole batch, and per id exactly what the single heartbeat
 * does: the time is written, a Disconnected session is Connected again (and announced), another
 * agent's or an unknown id is reported and left untouched.
 */
describe.each(DATABASE_KINDS)('heartbeat batch on %s', (kind) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(kind);
  });
  afterAll(async () => {
    await gw?.close();
  });

  const sessionOf = async (sessionId: string) =>
    (await gw.http.get(`/api/sessions/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body as { agentId: string; status: string; lastHeartbeat: string };

  it('writes every open session of the agent in one call, revives a Disconnected one, reports the rest', async () => {
    const sessions = gw.app.get(SessionsService);
    const mine = await createAgent(gw, 'batch-mine');
    const other = await createAgent(gw, 'batch-other');
    const open = async (token: string) => (await gw.http.post('/api/agent/sessions').auth(token, { type: 'bearer' }).send(sessionPayload()).expect(201)).body as { id: string };
    const ids = [(await open(mine)).id, (await open(mine)).id, (await open(mine)).id];
    const theirs = (await open(other)).id;
    const never = '0190d3c4-6a2b-7c3d-8e4f-0123456789ab';
    const before = await Promise.all(ids.map((id) => sessionOf(id)));
    const agentId = before[0].agentId;
    // one of them went silent and was marked Disconnected by the sweep
    expect(await sessions.markDisconnected(ids[1], Date.parse(before[1].lastHeartbeat))).toBe(true);
    const updated: string[] = [];
    const seen = (event: { session: { id: string; status: string } }) => updated.push(`${event.session.id}:${event.session.status}`);
    const emitter = gw.app.get(EventEmitter2);
    emitter.on(SessionEvents.updated, seen);
    await new Promise((r) => setTimeout(r, 5)); // the heartbeat's time must be visibly later

    const unknown = await sessions.heartbeatMany(agentId, [...ids, ids[0], theirs, never]);
    emitter.off(SessionEvents.updated, seen);

    expect(unknown).toEqual([theirs, never]);
    const after = await Promise.all(ids.map((id) => sessionOf(id)));
    expect(after.map((s) => s.status)).toEqual(['Connected', 'Connected', 'Connected']);
    after.forEach((s, i) => expect(Date.parse(s.lastHeartbeat)).toBeGreaterThan(Date.parse(before[i].lastHeartbeat)));
    expect(updated).toEqual([`${ids[1]}:Connected`]);
    // the other agent's session was not touched
    const untouched = await sessionOf(theirs);
    expect(untouched.status).toBe('Connected');
    await expect(sessions.heartbeatMany(agentId, [])).resolves.toEqual([]);
  });
});
