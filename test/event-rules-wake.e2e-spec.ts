import { DATABASE_KINDS } from './support/databases';
import { WebhookReceiver } from './support/event-receivers';
import { TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

/** Far longer than any delivery may take here: only the wake after a commit can deliver in time. */
const POLL_MS = 60_000;
/** What a delivery may take from the agent's answer, on a loaded 2-core CI machine (bench:events: p99 ≤ 61 ms). */
const WITHIN_MS = 2_000;

/**
 * The delivery worker is woken when the transaction that chained an event commits, not only by
 * its poll. On SQLite the audit chain (and the event-rule hook that writes deliveries) runs in
 * each commit group's own commit; v0.7.5 lost that wake there, so every webhook waited for the
 * poll (bench:events: p50 479 ms, p99 955 ms with the default 1 s poll). With the poll set to a
 * minute, every webhook here must still arrive within seconds of the change.
 */
describe.each(DATABASE_KINDS)('event deliveries woken by the commit on %s', (kind) => {
  let gw: TestGateway;
  let receiver: WebhookReceiver;
  let agentToken: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    gw = await startTestGateway(kind, { VIGIL_EVENTS_POLL_MS: String(POLL_MS), VIGIL_AUDIT_CHAIN_POLL_MS: String(POLL_MS) });
    agentToken = await createAgent(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await receiver?.stop();
  });

  it('delivers the webhooks of lone and concurrent session starts within seconds, with the poll a minute away', async () => {
    await gw.http
      .post('/api/event-rules')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'starts', eventPattern: { 'detail-type': ['Vigil Session State Change'], detail: { state: ['started'] } }, targets: [{ type: 'webhook', url: receiver.url }] })
      .expect(201);

    // one at a time (a lone transaction each on SQLite), then ten at once (commit groups)
    const answeredAt = new Map<string, number>();
    const open = async () => {
      const res = await gw.http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(sessionPayload()).expect(201);
      answeredAt.set(res.body.id as string, Date.now());
    };
    for (let i = 0; i < 3; i++) {
      await open();
      const expected = answeredAt.size;
      await eventually(async () => receiver.accepted.length, (n) => n >= expected, 10_000);
    }
    await Promise.all(Array.from({ length: 10 }, open));
    await eventually(async () => receiver.accepted.length, (n) => n >= 13, 10_000);

    const delays = receiver.accepted.map((request) => {
      const envelope = JSON.parse(request.body) as { detail: { sessionId: string } };
      const answered = answeredAt.get(envelope.detail.sessionId);
      expect(answered).toBeDefined();
      return request.at - answered!;
    });
    expect(delays).toHaveLength(13);
    expect(Math.max(...delays)).toBeLessThan(WITHIN_MS);
  }, 60_000);
});
