import { DataSource } from 'typeorm';
import { AuditService, chainHash } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, startTestGateway } from './support/test-gateway';

interface Row {
  seq: number;
  at: number;
  actor: string;
  action: string;
  sessionId: string | null;
  detail: string;
  prevHash: string;
  hash: string;
}

/**
 * Tampering with the audit chain the way someone with write access to the database would, with
 * plain SQL on each engine, and what `GET /api/audit/verify` says about it.
 */
describe.each(DATABASE_KINDS)('audit chain verification against the stored head on %s', (kind) => {
  let gw: TestGateway;
  let db: DataSource;
  let snapshot: { rows: Row[]; head: { seq: number; hash: string } };
  const ph = (n: number) => (kind === 'postgres' ? `$${n}` : '?');

  const verify = async () => (await gw.http.get('/api/audit/verify').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
  const rows = async (): Promise<Row[]> =>
    (await db.query('SELECT seq, at, actor, action, session_id, detail, prev_hash, hash FROM audit_events ORDER BY seq')).map(
      (r: Record<string, unknown>): Row => ({
        seq: Number(r.seq),
        at: Number(r.at),
        actor: String(r.actor),
        action: String(r.action),
        sessionId: (r.session_id as string | null) ?? null,
        detail: String(r.detail),
        prevHash: String(r.prev_hash),
        hash: String(r.hash),
      }),
    );
  const head = async () => {
    const [h] = await db.query('SELECT seq, hash FROM audit_head WHERE id = 1');
    return { seq: Number(h.seq), hash: String(h.hash) };
  };
  const insert = (r: Row) =>
    db.query(
      `INSERT INTO audit_events (seq, at, actor, action, session_id, detail, prev_hash, hash) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(ph).join(', ')})`,
      [r.seq, r.at, r.actor, r.action, r.sessionId, r.detail, r.prevHash, r.hash],
    );
  const setHead = (h: { seq: number; hash: string }) => db.query(`UPDATE audit_head SET seq = ${ph(1)}, hash = ${ph(2)} WHERE id = 1`, [h.seq, h.hash]);
  /** Rewrites records from `fromSeq` on with recomputed hashes, as a careful attacker would. */
  const rechain = async (all: Row[], fromSeq: number) => {
    for (let i = fromSeq - 1; i < all.length; i++) {
      const r = all[i];
      r.prevHash = i === 0 ? '0'.repeat(64) : all[i - 1].hash;
      r.hash = chainHash(r.prevHash, r);
      await db.query(`UPDATE audit_events SET actor = ${ph(1)}, prev_hash = ${ph(2)}, hash = ${ph(3)} WHERE seq = ${ph(4)}`, [r.actor, r.prevHash, r.hash, r.seq]);
    }
  };

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    db = gw.app.get(DataSource);
    const audit = gw.app.get(AuditService);
    for (let i = 0; i < 20; i++) await audit.record({ actor: `user:u${i}`, action: 'viewer.join', sessionId: null, detail: { i } });
    snapshot = { rows: await rows(), head: await head() };
    expect(snapshot.rows.length).toBeGreaterThanOrEqual(20);
  });

  afterEach(async () => {
    // back to the untouched chain for the next scenario
    await db.query('DELETE FROM audit_events');
    for (const r of snapshot.rows) await insert(r);
    await setHead(snapshot.head);
  });

  afterAll(async () => gw?.close());

  it('an untouched chain verifies, and says which head it reached', async () => {
    const last = snapshot.rows[snapshot.rows.length - 1];
    expect(snapshot.head).toEqual({ seq: last.seq, hash: last.hash });
    await expect(verify()).resolves.toEqual({ ok: true, checked: snapshot.rows.length, head: snapshot.head });
  });

  it('deleting the last record: not ok, truncation reported where the chain stops short', async () => {
    const n = snapshot.head.seq;
    await db.query(`DELETE FROM audit_events WHERE seq = ${ph(1)}`, [n]);
    await expect(verify()).resolves.toEqual({ ok: false, checked: n - 1, brokenAt: n, reason: 'truncated', head: snapshot.head });
    await db.query(`DELETE FROM audit_events WHERE seq > ${ph(1)}`, [n - 5]);
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: n - 5, brokenAt: n - 4, reason: 'truncated' });
  });

  it('editing a middle record and recomputing every later hash (the head left alone): not ok', async () => {
    const all = await rows();
    const middle = Math.floor(all.length / 2);
    all[middle - 1].actor = 'user:mallory';
    await rechain(all, middle);
    // the records link perfectly again...
    for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
    // ...but do not reach the head
    await expect(verify()).resolves.toEqual({
      ok: false,
      checked: all.length - 1,
      brokenAt: snapshot.head.seq,
      reason: 'head-mismatch',
      head: snapshot.head,
    });
  });

  it('editing a record without recomputing: not ok at that record', async () => {
    await db.query(`UPDATE audit_events SET actor = 'user:mallory' WHERE seq = ${ph(1)}`, [7]);
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: 6, brokenAt: 7, reason: 'record-mismatch' });
  });

  it('deleting a record from the middle: not ok, the missing seq named', async () => {
    await db.query(`DELETE FROM audit_events WHERE seq = ${ph(1)}`, [9]);
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: 8, brokenAt: 9, reason: 'missing-record' });
  });

  it('a correctly chained record appended behind Vigil\'s back (no head covers it): not ok', async () => {
    const last = snapshot.rows[snapshot.rows.length - 1];
    const forged: Row = { seq: last.seq + 1, at: last.at + 1, actor: 'user:mallory', action: 'session.end', sessionId: null, detail: '{}', prevHash: last.hash, hash: '' };
    forged.hash = chainHash(forged.prevHash, forged);
    await insert(forged);
    await expect(verify()).resolves.toEqual({ ok: false, checked: snapshot.rows.length, brokenAt: last.seq + 1, reason: 'beyond-head', head: snapshot.head });
  });

  it('records appended while verification runs never make it fail', async () => {
    const audit = gw.app.get(AuditService);
    const writes = Promise.all(Array.from({ length: 300 }, (_, i) => audit.record({ actor: `user:w${i}`, action: 'viewer.leave', sessionId: null, detail: { i } })));
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await verify());
    await writes;
    verdicts.push(await verify());
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, true]);
    expect(verdicts[verdicts.length - 1].checked).toBe(snapshot.rows.length + 300);
  });

  it('the documented limit: rewriting every later record AND the head is not detectable without a signature', async () => {
    const all = await rows();
    all[2].actor = 'user:mallory';
    await rechain(all, 3);
    await setHead({ seq: all[all.length - 1].seq, hash: all[all.length - 1].hash });
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });
});
