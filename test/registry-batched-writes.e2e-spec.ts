import { DataSource } from 'typeorm';
import { AuthService } from '@vigil/auth';
import { UnitOfWork } from '@vigil/database';
import { OpenSessionDto, SessionsService } from '@vigil/sessions';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';

/**
 * Concurrent opens and ends as agents send them in bursts. On PostgreSQL they are written in
 * batches, one statement per batch (libs/database/src/write-batches.ts); on SQLite in commit
 * groups. Either way each request must get exactly the answer it would get alone: replays inside
 * one batch, another agent's session, an impossible end date beside valid ones, one audit record
 * per change.
 */
describe.each(DATABASE_KINDS)('registry writes in concurrent bursts on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;
  let otherAgent: string;
  let batchCalls: { guard: string; items: number }[];

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    agent = await createAgent(gw, 'burst-agent');
    otherAgent = await createAgent(gw, 'burst-other');
    const sql = gw.app.get(UnitOfWork).sql;
    const rowsIfMany = sql.rowsIfMany.bind(sql);
    batchCalls = [];
    jest.spyOn(sql, 'rowsIfMany').mockImplementation((m, guard, key, inserts) => {
      batchCalls.push({ guard: guard.sql, items: inserts[0]?.rows.length ?? 0 });
      return rowsIfMany(m, guard, key, inserts);
    });
  }, 60_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await gw.close();
  });

  const post = (token: string, path: string, body: object) => gw.http.post(path).auth(token, { type: 'bearer' }).send(body);

  /** session.start / session.end / session.terminate records of these sessions, chained or still in the outbox */
  const auditRecords = async (ids: string[]): Promise<Map<string, string[]>> => {
    const ds = gw.app.get(DataSource);
    // one statement, one snapshot: a record the chainer moves meanwhile is counted once, in one table or the other
    const rows = (await ds.query(
      "SELECT action, session_id FROM audit_events WHERE action LIKE 'session.%' UNION ALL SELECT action, session_id FROM audit_outbox WHERE action LIKE 'session.%'",
    )) as { action: string; session_id: string }[];
    const wanted = new Set(ids);
    const bySession = new Map<string, string[]>();
    for (const row of rows) if (wanted.has(row.session_id)) bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row.action].sort());
    return bySession;
  };

  it('answers each open of a burst as if alone: new ones 201, a replay inside the burst 200 with the same session', async () => {
    batchCalls.length = 0;
    const payloads = Array.from({ length: 30 }, (_, i) => sessionPayload({ owner: `owner-${i % 3}`, port: i % 2 ? null : 22 + i, serviceUrl: undefined }));
    const replayed = payloads[7];
    const answers = await Promise.all([...payloads, replayed, replayed].map((p) => post(agent, '/api/agent/sessions', p)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    // the three opens of one externalId name one session, whichever of them created it
    const replayIds = new Set([answers[7], answers[30], answers[31]].map((a) => a.body.id));
    expect(replayIds.size).toBe(1);
    expect([answers[7], answers[30], answers[31]].filter((a) => a.status === 201)).toHaveLength(1);
    for (const [i, answer] of answers.slice(0, 30).entries()) {
      expect(answer.body).toMatchObject({ externalId: payloads[i].externalId, owner: payloads[i].owner, status: 'Connected', port: payloads[i].port });
    }
    const ids = answers.slice(0, 30).map((a) => a.body.id as string);
    expect(new Set(ids).size).toBe(30);
    const list = await gw.http.get('/api/sessions?limit=1000').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(list.body.items.filter((s: { id: string }) => ids.includes(s.id))).toHaveLength(30);
    const audit = await auditRecords(ids);
    for (const id of ids) expect(audit.get(id)).toEqual(['session.start']);
    if (kind === 'postgres') {
      // every open went through a batch (how many batches depends on when the requests arrived)
      const opens = batchCalls.filter((c) => c.guard.startsWith('INSERT INTO session_keys'));
      expect(opens.reduce((n, c) => n + c.items, 0)).toBe(32);
    } else {
      expect(batchCalls).toEqual([]);
    }
  });

  it('writes the opens asked for in one turn as one batch on PostgreSQL (one transaction each on SQLite)', async () => {
    const principal = await gw.app.get(AuthService).authenticateAgent(agent);
    batchCalls.length = 0;
    const sessions = gw.app.get(SessionsService);
    const payloads = Array.from({ length: 10 }, () => Object.assign(new OpenSessionDto(), sessionPayload()));
    const results = await Promise.all(payloads.map((p) => sessions.open(principal!.id, p)));
    expect(results.map((r) => r.created)).toEqual(payloads.map(() => true));
    expect(new Set(results.map((r) => r.session.id)).size).toBe(10);
    if (kind === 'postgres') expect(batchCalls).toEqual([{ guard: expect.stringMatching(/^INSERT INTO session_keys/), items: 10 }]);
    else expect(batchCalls).toEqual([]);
  });

  it("ends a burst with each answer its own: replays, another agent's session, impossible dates beside valid ends", async () => {
    const opened = await Promise.all(Array.from({ length: 24 }, () => post(agent, '/api/agent/sessions', sessionPayload()).expect(201)));
    const ids = opened.map((o) => o.body.id as string);
    const startDate = Date.parse(opened[3].body.startDate);
    batchCalls.length = 0;
    const requests = [
      ...ids.slice(0, 20).map((id) => post(agent, `/api/agent/sessions/${id}/end`, { reason: 'ended' })),
      post(agent, `/api/agent/sessions/${ids[0]}/end`, { reason: 'ended' }), // a replay in the same burst
      post(otherAgent, `/api/agent/sessions/${ids[20]}/end`, { reason: 'ended' }), // not its session
      post(agent, `/api/agent/sessions/${ids[21]}/end`, { endDate: new Date(startDate - 60_000).toISOString() }), // before its start
      post(agent, `/api/agent/sessions/${ids[22]}/end`, { endDate: new Date(Date.now() + 3_600_000).toISOString() }), // in the future
      post(agent, `/api/agent/sessions/${ids[23]}/end`, { reason: 'failed' }),
    ];
    const answers = await Promise.all(requests);
    for (const [i, answer] of answers.slice(0, 20).entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: ids[i], endReason: 'ended', status: 'Terminated' });
    }
    expect(answers[20].status).toBe(200);
    expect(answers[20].body).toEqual(answers[0].body); // the replay names the same entry
    expect(answers[21].status).toBe(404);
    expect(answers[22].status).toBe(400);
    expect(answers[22].body.message).toMatch(/before the session's startDate/);
    expect(answers[23].status).toBe(400);
    expect(answers[24].status).toBe(200);
    expect(answers[24].body).toMatchObject({ id: ids[23], status: 'Failed', endReason: 'failed' });

    // what was refused is still open, and what ended is in the access log exactly once
    const open = await gw.http.get('/api/sessions?limit=1000').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const openIds = new Set(open.body.items.map((s: { id: string }) => s.id));
    expect(ids.filter((id) => openIds.has(id))).toEqual([ids[20], ids[21], ids[22]]);
    const log = await gw.http.get('/api/access-logs?limit=1000').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const logged = log.body.items.map((e: { id: string }) => e.id).filter((id: string) => ids.includes(id));
    expect(logged.sort()).toEqual([...ids.slice(0, 20), ids[23]].sort());
    const audit = await auditRecords(ids);
    for (const id of [...ids.slice(0, 20), ids[23]]) expect(audit.get(id)).toEqual(['session.end', 'session.start']);
    for (const id of ids.slice(20, 23)) expect(audit.get(id)).toEqual(['session.start']);
    if (kind === 'postgres') {
      // the 21 ends that were done went through batches (the refused and the replay did not write)
      const ends = batchCalls.filter((c) => c.guard.startsWith('DELETE FROM open_sessions'));
      expect(ends.reduce((n, c) => n + c.items, 0)).toBe(21);
    }

    // the refused ones end normally afterwards, and their owner agent still may
    await post(agent, `/api/agent/sessions/${ids[20]}/end`, { reason: 'ended' }).expect(200);
    await post(agent, `/api/agent/sessions/${ids[21]}/end`, {}).expect(200);
  });

});

/** PostgreSQL only: SQLite has no batched statements (its commit groups have their own spec). */
describe('a failed batch of opens on postgres', () => {
  let gw: TestGateway;
  let agent: string;

  beforeAll(async () => {
    gw = await startTestGateway('postgres');
    agent = await createAgent(gw, 'burst-agent');
  }, 60_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await gw.close();
  });

  it('writes nothing, and each of its items still gets its own answer', async () => {
    const sql = gw.app.get(UnitOfWork).sql;
    const rowsIfMany = sql.rowsIfMany.bind(sql);
    let batches = 0;
    jest.spyOn(sql, 'rowsIfMany').mockImplementation((...args: Parameters<typeof sql.rowsIfMany>) => {
      if (!args[1].sql.startsWith('INSERT INTO session_keys')) return rowsIfMany(...args);
      if (batches++ === 0) return Promise.reject(new Error('connection reset'));
      return rowsIfMany(...args);
    });
    const payloads = Array.from({ length: 5 }, () => sessionPayload());
    const answers = await Promise.all(payloads.map((p) => gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(p)));
    // the first batch failed (its opens then went the transaction's way), later ones did not
    expect(batches).toBeGreaterThan(0);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = answers.map((a) => a.body.id as string);
    expect(new Set(ids).size).toBe(5);
    const ds = gw.app.get(DataSource);
    const starts = (await ds.query("SELECT session_id FROM audit_events WHERE action = 'session.start' UNION ALL SELECT session_id FROM audit_outbox WHERE action = 'session.start'")) as { session_id: string }[];
    for (const id of ids) expect(starts.filter((r) => r.session_id === id)).toHaveLength(1);
    const keys = (await ds.query('SELECT session_id FROM session_keys WHERE session_id = ANY($1)', [ids])) as unknown[];
    expect(keys).toHaveLength(5);
  });
});

/** PostgreSQL: the hot path's statements reach the server as named (prepared) statements through TypeORM. */
describe('prepared statements on postgres', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway('postgres');
  }, 60_000);
  afterAll(async () => {
    await gw.close();
  });

  it('prepares a statement once per connection, binds it after, and answers the same', async () => {
    const { sql } = gw.app.get(UnitOfWork);
    const runner = gw.app.get(DataSource).createQueryRunner();
    try {
      const text = 'SELECT ? :: int + 1 AS next, ? :: text AS label';
      const first = await sql.rows<{ next: number; label: string }>(runner.manager, text, [1, 'a']);
      const second = await sql.rows<{ next: number; label: string }>(runner.manager, text, [41, "b'; DROP TABLE t; --"]);
      expect(first).toEqual([{ next: 2, label: 'a' }]);
      expect(second).toEqual([{ next: 42, label: "b'; DROP TABLE t; --" }]);
      // the server's own view of this connection's prepared statements
      const prepared = (await runner.query("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'vigil\\_%'")) as { name: string; statement: string }[];
      expect(prepared.filter((p) => p.statement === 'SELECT $1 :: int + 1 AS next, $2 :: text AS label')).toHaveLength(1);
      // an error in a prepared statement reaches the caller as TypeORM's, the connection stays usable
      await expect(sql.rows(runner.manager, text, ['not a number', 'c'])).rejects.toMatchObject({ name: 'QueryFailedError', driverError: expect.objectContaining({ code: '22P02' }) });
      expect(await sql.rows(runner.manager, text, [2, 'd'])).toEqual([{ next: 3, label: 'd' }]);
    } finally {
      await runner.release();
    }
  });
});
