import { AuditService } from '@vigil/audit';
import { DataSource } from 'typeorm';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { generateParseableKeyPair } from './support/ssh-key-pair';

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(DATABASE_KINDS)('targets, SSH keys and audit on %s', (kind) => {
  let gw: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    owner = await createUser(gw, 'alice');
  });
  afterAll(() => gw.close());

  it('stores target credentials encrypted and never returns them', async () => {
    const created = await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'db-01', host: '10.0.0.5', port: 22, accountName: 'root', password: 'Sup3r-S3cret!', policy: { sftp: true } })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'db-01', authentication: 'password', hostKeySha256: null, policy: { sftp: true, x11: false } });
    expect(JSON.stringify(created.body)).not.toContain('Sup3r');
    const listed = await gw.http.get('/api/targets').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('Sup3r');
    const [row] = await gw.app.get(DataSource).query("SELECT password_enc FROM targets WHERE name = 'db-01'");
    expect(row.password_enc).toMatch(/^v1:/);
    expect(row.password_enc).not.toContain('Sup3r');
  });

  it.each([
    ['both credentials', { password: 'x', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx' }, 400, /exactly one of password or privateKey/],
    ['no credential', {}, 400, /exactly one of password or privateKey/],
    ['bad host', { host: 'a b', password: 'x' }, 400, /host must be a host name/],
    ['bad policy type', { password: 'x', policy: { sftp: 'yes' } }, 400, /policy.sftp must be a boolean/],
    ['duplicate', { name: 'db-01', password: 'x' }, 409, /already exists/],
  ])('refuses a target with %s', async (_name, patch, status, message) => {
    const res = await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'db-02', host: '10.0.0.6', port: 22, accountName: 'root', ...patch });
    expect(res.status).toBe(status);
    expect([res.body.message].flat().join('; ')).toMatch(message);
  });

  it('only admins manage targets', async () => {
    await gw.http.post('/api/targets').auth(owner, { type: 'bearer' }).send({}).expect(403);
    await gw.http.get('/api/targets').auth(owner, { type: 'bearer' }).expect(403);
  });

  it('registers SSH public keys per user', async () => {
    const { public: publicKey } = generateParseableKeyPair('ed25519', { comment: 'alice@laptop' });
    const added = await gw.http.post('/api/me/ssh-keys').auth(owner, { type: 'bearer' }).send({ publicKey }).expect(201);
    expect(added.body).toMatchObject({ algorithm: 'ssh-ed25519', comment: 'alice@laptop' });
    expect(added.body.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    await gw.http.post('/api/me/ssh-keys').auth(owner, { type: 'bearer' }).send({ publicKey }).expect(409);
    await gw.http.post('/api/me/ssh-keys').auth(owner, { type: 'bearer' }).send({ publicKey: 'ssh-ed25519 not-base64-at-all' }).expect(400);
    const mine = await gw.http.get('/api/me/ssh-keys').auth(owner, { type: 'bearer' }).expect(200);
    expect(mine.body.map((k: { id: string }) => k.id)).toEqual([added.body.id]);
    const others = await gw.http.get('/api/me/ssh-keys').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(others.body).toEqual([]);
  });

  it('audits session start, end and terminate in a verifiable hash chain that detects tampering', async () => {
    const agent = await createAgent(gw);
    const a = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201);
    const b = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201);
    await gw.http.post(`/api/agent/sessions/${a.body.id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    await gw.http.post(`/api/sessions/${b.body.id}/terminate`).auth(gw.adminToken, { type: 'bearer' }).send({ reason: 'policy' }).expect(202);

    const trailOf = (id: string) => gw.http.get(`/api/audit?sessionId=${id}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.items);
    const trailA = await eventually(() => trailOf(a.body.id), (items) => items.length === 2);
    // newest first
    expect(trailA.map((e: { action: string }) => e.action)).toEqual(['session.end', 'session.start']);
    const trailB = await eventually(() => trailOf(b.body.id), (items) => items.length === 2);
    expect(trailB[0]).toMatchObject({
      action: 'session.terminate',
      eventName: 'TerminateSession',
      actor: 'user:admin',
      userIdentity: { userName: 'admin' },
      requestParameters: { sessionId: b.body.id, reason: 'terminated', message: 'policy' },
    });
    await gw.http.get(`/api/audit?sessionId=${a.body.id}`).auth(owner, { type: 'bearer' }).expect(403);

    const verdict = await gw.http.get('/api/audit/verify').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    // logins and account changes are audited too: the whole chain, up to the stored head
    expect(verdict.body).toMatchObject({ ok: true, head: { seq: verdict.body.checked } });
    expect(verdict.body.checked).toBeGreaterThanOrEqual(4);
    await gw.app.get(DataSource).query("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2");
    const broken = await gw.http.get('/api/audit/verify').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(broken.body).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('group-commits concurrent records into one gapless chain', async () => {
    const audit = gw.app.get(AuditService);
    const before = (await audit.recent(1))[0]?.seq ?? 0;
    const views = await Promise.all(
      Array.from({ length: 700 }, (_, i) => audit.record({ actor: `user:u${i}`, action: 'viewer.join', sessionId: null, requestParameters: { i } })),
    );
    const seqs = views.map((v) => v.seq).sort((a, b) => a - b);
    expect(seqs[0]).toBe(before + 1);
    expect(seqs[seqs.length - 1]).toBe(before + 700);
    expect(new Set(seqs).size).toBe(700);
  });
});
