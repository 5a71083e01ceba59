import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { AuditCheckpointer, AuditService, chainHash } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';
import { repoRoot } from './support/repo-root';

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
describe.each(DATABASE_KINDS)('audit chain verification against the stored head and signed checkpoints on %s', (kind) => {
  let gw: TestGateway;
  let db: DataSource;
  let snapshot: { rows: Row[]; head: { seq: number; hash: string }; checkpoints: Record<string, unknown>[] };
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
    // checkpoints only when the test signs one (no timer racing the scenarios)
    gw = await startTestGateway(kind, { VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS: '86400000' });
    db = gw.app.get(DataSource);
    const audit = gw.app.get(AuditService);
    for (let i = 0; i < 20; i++) await audit.record({ actor: `user:u${i}`, action: 'viewer.join', sessionId: null, requestParameters: { i } });
    const checkpoint = await gw.app.get(AuditCheckpointer).checkpoint();
    snapshot = { rows: await rows(), head: await head(), checkpoints: await db.query('SELECT * FROM audit_checkpoints') };
    expect(snapshot.rows.length).toBeGreaterThanOrEqual(20);
    expect(checkpoint).toMatchObject({ seq: snapshot.head.seq, hash: snapshot.head.hash });
  });

  afterEach(async () => {
    // back to the untouched chain for the next scenario (filter columns included: restored by UPDATE below)
    const derived: Record<string, unknown>[] = await db.query('SELECT seq, event_id, event_name, event_source, user_name, source_ip, error_code, read_only FROM audit_events');
    const bySeq = new Map(derived.map((d) => [Number(d.seq), d]));
    await db.query('DELETE FROM audit_events');
    for (const r of snapshot.rows) await insert(r);
    for (const r of snapshot.rows) {
      const d = original.get(r.seq) ?? bySeq.get(r.seq);
      if (!d) continue;
      await db.query(
        `UPDATE audit_events SET event_id = ${ph(1)}, event_name = ${ph(2)}, event_source = ${ph(3)}, user_name = ${ph(4)}, source_ip = ${ph(5)}, error_code = ${ph(6)}, read_only = ${ph(7)} WHERE seq = ${ph(8)}`,
        [d.event_id, d.event_name, d.event_source, d.user_name, d.source_ip, d.error_code, d.read_only, r.seq],
      );
    }
    await setHead(snapshot.head);
    await db.query('DELETE FROM audit_checkpoints');
    for (const c of snapshot.checkpoints) {
      await db.query(`INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (${[1, 2, 3, 4, 5].map(ph).join(', ')})`, [c.seq, c.hash, c.at, c.key_id, c.signature]);
    }
  });
  const original = new Map<number, Record<string, unknown>>();
  beforeAll(async () => {
    const derived: Record<string, unknown>[] = await db.query('SELECT seq, event_id, event_name, event_source, user_name, source_ip, error_code, read_only FROM audit_events');
    for (const d of derived) original.set(Number(d.seq), d);
  });

  afterAll(async () => gw?.close());

  it('an untouched chain verifies, and says which head it reached', async () => {
    const last = snapshot.rows[snapshot.rows.length - 1];
    expect(snapshot.head).toEqual({ seq: last.seq, hash: last.hash });
    await expect(verify()).resolves.toMatchObject({
      ok: true,
      checked: snapshot.rows.length,
      head: snapshot.head,
      checkpoint: { seq: snapshot.head.seq, hash: snapshot.head.hash },
      checkpoints: { total: 1, verified: 1, untrusted: 0 },
    });
  });

  it('deleting the last record: not ok, truncation reported where the chain stops short', async () => {
    const n = snapshot.head.seq;
    await db.query(`DELETE FROM audit_events WHERE seq = ${ph(1)}`, [n]);
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: n - 1, brokenAt: n, reason: 'truncated', head: snapshot.head });
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
    await expect(verify()).resolves.toMatchObject({
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
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: snapshot.rows.length, brokenAt: last.seq + 1, reason: 'beyond-head', head: snapshot.head });
  });

  it('records appended while verification runs never make it fail', async () => {
    const audit = gw.app.get(AuditService);
    const writes = Promise.all(Array.from({ length: 300 }, (_, i) => audit.record({ actor: `user:w${i}`, action: 'viewer.leave', sessionId: null, requestParameters: { i } })));
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await verify());
    await writes;
    verdicts.push(await verify());
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, true]);
    expect(verdicts[verdicts.length - 1].checked).toBe(snapshot.rows.length + 300);
  });

  it('rewriting every later record AND the head: the signed checkpoint no longer matches', async () => {
    const all = await rows();
    all[2].actor = 'user:mallory';
    await rechain(all, 3);
    await setHead({ seq: all[all.length - 1].seq, hash: all[all.length - 1].hash });
    await expect(verify()).resolves.toMatchObject({ ok: false, brokenAt: snapshot.checkpoints.length ? Number(snapshot.checkpoints[0].seq) : -1, reason: 'checkpoint-mismatch' });
  });

  it('a checkpoint re-signed by someone without the key (its hash moved to a rewritten chain): not ok', async () => {
    const all = await rows();
    all[2].actor = 'user:mallory';
    await rechain(all, 3);
    const last = all[all.length - 1];
    await setHead({ seq: last.seq, hash: last.hash });
    await db.query(`UPDATE audit_checkpoints SET hash = ${ph(1)} WHERE seq = ${ph(2)}`, [last.hash, last.seq]);
    await expect(verify()).resolves.toMatchObject({ ok: false, brokenAt: last.seq, reason: 'checkpoint-signature' });
  });

  it('editing a filter column (not the hashed body): not ok at that record', async () => {
    await db.query(`UPDATE audit_events SET user_name = 'someone-else' WHERE seq = ${ph(1)}`, [5]);
    await expect(verify()).resolves.toMatchObject({ ok: false, checked: 4, brokenAt: 5, reason: 'record-mismatch' });
  });

  it('the signing public key is served, and the checkpoints verify with it outside Vigil', async () => {
    const pem = (await gw.http.get('/api/audit/signing-key').auth(gw.adminToken, { type: 'bearer' }).expect(200)).text;
    const { items } = (await gw.http.get('/api/audit/checkpoints').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
    const { createPublicKey, verify: verifySignature } = await import('node:crypto');
    const key = createPublicKey(pem);
    const [c] = items;
    const payload = Buffer.from(`vigil-audit-checkpoint/v1\n${c.seq}\n${c.hash}\n${c.at}\n`);
    expect(verifySignature(null, payload, key, Buffer.from(c.signature, 'base64'))).toBe(true);
    expect(verifySignature(null, Buffer.from(`vigil-audit-checkpoint/v1\n${c.seq}\n${'f'.repeat(64)}\n${c.at}\n`), key, Buffer.from(c.signature, 'base64'))).toBe(false);
  });
});

describe.each(DATABASE_KINDS)('offline verification of an audit export on %s', (kind) => {
  let gw: TestGateway;
  let dir: string;
  afterAll(async () => {
    await gw?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run audit:verify -- <export> <key>` from the compiled tree, as an auditor would run it. */
  const verifyOffline = (exportFile: string, keyFile: string) =>
    spawnSync(process.execPath, [path.join(repoRoot(), 'scripts', 'run-dist.js'), 'libs/audit/src/verify-audit-cli.js', exportFile, keyFile], { encoding: 'utf8' });

  it('the export verifies with the public key alone; one edited record or a re-signed checkpoint does not', async () => {
    gw = await startTestGateway(kind, { VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS: '86400000' });
    const audit = gw.app.get(AuditService);
    for (let i = 0; i < 30; i++) await audit.record({ actor: `user:u${i}`, action: 'viewer.join', requestParameters: { i } });
    await gw.app.get(AuditCheckpointer).checkpoint();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-audit-export-'));
    const exportFile = path.join(dir, 'export.ndjson');
    const keyFile = path.join(dir, 'key.pem');
    const exported = await gw.http.get('/api/audit/export').auth(gw.adminToken, { type: 'bearer' }).buffer(true).parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => cb(null, text));
    }).expect(200);
    fs.writeFileSync(exportFile, exported.body as string);
    fs.writeFileSync(keyFile, (await gw.http.get('/api/audit/signing-key').auth(gw.adminToken, { type: 'bearer' }).expect(200)).text);

    const intact = verifyOffline(exportFile, keyFile);
    expect(intact.stderr).toBe('');
    expect(intact.status).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, checkpointsVerified: 1, checkpointsRejected: 0 });
    expect(JSON.parse(intact.stdout).checked).toBeGreaterThanOrEqual(30);

    // the whole chain rewritten consistently (every hash recomputed): the signed checkpoint gives it away
    const lines = (exported.body as string).trim().split('\n').map((l) => JSON.parse(l));
    const records = lines.filter((l) => l.type === 'record');
    records[3].actor = 'user:mallory';
    for (let i = 3; i < records.length; i++) {
      records[i].prevHash = records[i - 1].hash;
      records[i].hash = chainHash(records[i].prevHash, records[i]);
    }
    fs.writeFileSync(exportFile, lines.map((l) => JSON.stringify(l)).join('\n'));
    const rewritten = verifyOffline(exportFile, keyFile);
    expect(rewritten.status).toBe(1);
    expect(JSON.parse(rewritten.stdout)).toMatchObject({ ok: false, reason: 'checkpoint-mismatch' });

    // ...and moving the checkpoint's hash along breaks its signature
    const checkpoint = lines.find((l) => l.type === 'checkpoint');
    checkpoint.hash = records[records.length - 1].hash;
    fs.writeFileSync(exportFile, lines.map((l) => JSON.stringify(l)).join('\n'));
    const resigned = verifyOffline(exportFile, keyFile);
    expect(resigned.status).toBe(1);
    expect(JSON.parse(resigned.stdout)).toMatchObject({ ok: false, reason: 'checkpoint-signature' });

    expect(verifyOffline(path.join(dir, 'missing.ndjson'), keyFile).status).toBe(2);
  });
});

describe.each(DATABASE_KINDS)('audit checkpoints deleted to hide a rewrite on %s', (kind) => {
  let gw: TestGateway;
  afterAll(async () => gw?.close());

  it('records no checkpoint covers any more, long after they were written: not ok', async () => {
    gw = await startTestGateway(kind, { VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS: '300' });
    const db = gw.app.get(DataSource);
    const audit = gw.app.get(AuditService);
    for (let i = 0; i < 5; i++) await audit.record({ actor: `user:u${i}`, action: 'viewer.join', requestParameters: { i } });
    await eventually(() => audit.verify(), (v) => (v.checkpoint?.seq ?? 0) >= 5);
    // stop the gateway's own signing, then remove every checkpoint, as someone rewriting the chain would
    await gw.app.get(AuditCheckpointer).onApplicationShutdown();
    await db.query('DELETE FROM audit_checkpoints');
    await sleep(2_000);
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, brokenAt: 1, reason: 'checkpoint-missing', checkpoint: null });
  });
});
