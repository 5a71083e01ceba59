import * as fs from 'node:fs';
import { AuditService, AuditView } from '@vigil/audit';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { RedisServer } from './support/redis-server';
import { makeTempDir, run, sshClientOptions, writeAskpass } from './support/sshd';
import { TestGateway, createUser, startTestGateway, startTestGatewayOn } from './support/test-gateway';

/** Small budgets and a lock that a test can wait out; the lock does not grow (max = first). */
const LOCK_SECONDS = 10;
const THROTTLE = {
  VIGIL_LOGIN_MAX_FAILURES: '5',
  VIGIL_LOGIN_MAX_FAILURES_PER_ACCOUNT: '20',
  VIGIL_LOGIN_MAX_FAILURES_PER_IP: '50',
  VIGIL_LOGIN_WINDOW_SECONDS: '120',
  VIGIL_LOGIN_LOCKOUT_SECONDS: String(LOCK_SECONDS),
  VIGIL_LOGIN_MAX_LOCKOUT_SECONDS: String(LOCK_SECONDS),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const passwordOf = (username: string) => `${username}-password`;

function attempt(gw: TestGateway, username: string, password: string, forwardedFor?: string) {
  const req = gw.http.post('/api/auth/login');
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return req.send({ username, password });
}

async function auditTrail(gw: TestGateway): Promise<AuditView[]> {
  const audit = gw.app.get(AuditService);
  await audit.settle();
  return (await audit.recent(5000)).reverse();
}
const lockoutsOf = (e: AuditView) => (e.responseElements as { lockouts?: unknown } | null)?.lockouts;
const typedName = (e: AuditView) => (e.requestParameters as { username?: string } | null)?.username;

/** 401s allowed in a burst that lasted `elapsedMs`: one budget per lock period it spanned. */
const budgetsSpanned = (elapsedMs: number) => 1 + Math.floor(elapsedMs / (LOCK_SECONDS * 1000));

describe.each(DATABASE_KINDS)('login throttling on %s', (kind) => {
  describe('behind a trusted proxy (VIGIL_TRUST_PROXY=loopback, the client address from X-Forwarded-For)', () => {
    let gw: TestGateway;

    beforeAll(async () => {
      gw = await startTestGateway(kind, { ...THROTTLE, VIGIL_TRUST_PROXY: 'loopback' });
      for (const name of ['alice', 'bob', 'carol']) await createUser(gw, name);
    });
    afterAll(async () => gw?.close());

    it('200 wrong passwords in parallel waves: 5 are checked, the rest get 429 + Retry-After; the right one waits out the lock; others unaffected; audited without passwords', async () => {
      const attacker = '203.0.113.7';
      const started = Date.now();
      const answers: { status: number; retryAfter?: string; message?: string }[] = [];
      for (let wave = 0; wave < 10; wave++) {
        const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(gw, 'alice', `guess-${wave}-${i}`, attacker)));
        answers.push(...batch.map((r) => ({ status: r.status, retryAfter: r.headers['retry-after'], message: r.body.message })));
      }
      const elapsed = Date.now() - started;
      const checked = answers.filter((a) => a.status === 401).length;
      const throttled = answers.filter((a) => a.status === 429);
      expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
      expect(checked).toBeGreaterThanOrEqual(5);
      expect(checked).toBeLessThanOrEqual(5 * budgetsSpanned(elapsed));
      expect(throttled.length).toBe(200 - checked);
      for (const t of throttled) {
        expect(t.retryAfter).toMatch(/^\d+$/);
        expect(Number(t.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(t.retryAfter)).toBeLessThanOrEqual(LOCK_SECONDS);
        expect(t.message).toMatch(/too many failed login attempts; try again in \d+ s/);
      }

      // The right password from the attacker's source is refused while the lock lasts...
      const locked = await attempt(gw, 'alice', passwordOf('alice'), attacker).expect(429);
      const wait = Number(locked.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(1);
      // ...whatever the letter case of the name
      await attempt(gw, 'ALICE', passwordOf('alice'), attacker).expect(429);
      // another account from that source, and alice from elsewhere, are not locked
      await attempt(gw, 'bob', passwordOf('bob'), attacker).expect(200);
      await attempt(gw, 'alice', passwordOf('alice'), '198.51.100.9').expect(200);

      await sleep(wait * 1000 + 1000);
      await attempt(gw, 'alice', passwordOf('alice'), attacker).expect(200);

      const trail = await auditTrail(gw);
      const failed = trail.filter((e) => e.action === 'auth.login-failed' && e.sourceIPAddress === attacker);
      expect(failed).toHaveLength(checked);
      for (const f of failed) {
        expect(f).toMatchObject({
          actor: `ip:${attacker}`,
          eventName: 'ConsoleLogin',
          eventType: 'AwsConsoleSignIn',
          userIdentity: { type: 'Anonymous' },
          sourceIPAddress: attacker,
          requestParameters: { username: 'alice' },
          responseElements: { ConsoleLogin: 'Failure' },
          errorCode: 'InvalidCredentials',
        });
      }
      expect(failed.filter((f) => lockoutsOf(f) !== undefined).map(lockoutsOf)).toEqual(
        Array(Math.floor(checked / 5)).fill([{ scope: 'account-ip', seconds: LOCK_SECONDS }]),
      );
      const signedIn = trail.filter((e) => e.action === 'auth.login' && e.userIdentity.userName === 'alice').map((e) => e.sourceIPAddress);
      expect(trail.filter((e) => e.action === 'auth.login').every((e) => e.responseElements?.ConsoleLogin === 'Success' && e.errorCode === undefined)).toBe(true);
      expect(signedIn).toEqual(expect.arrayContaining(['198.51.100.9', attacker]));
      // never a password, wrong or right, in the trail
      expect(JSON.stringify(trail)).not.toMatch(/guess-|alice-password/);
    });

    it('a guesser spread over many sources locks the account for unknown sources only: its usual source still signs in', async () => {
      // carol signed in from 127.0.0.1 (createUser): that source is remembered
      for (let i = 0; i < 20; i++) await attempt(gw, 'carol', 'nope', `198.51.100.${10 + i}`).expect(401);
      const fromNewSource = await attempt(gw, 'carol', passwordOf('carol'), '192.0.2.200').expect(429);
      expect(Number(fromNewSource.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await attempt(gw, 'carol', passwordOf('carol')).expect(200);
      const lockouts = (await auditTrail(gw)).filter((e) => e.action === 'auth.login-failed' && typedName(e) === 'carol' && lockoutsOf(e));
      expect(lockouts.map(lockoutsOf)).toEqual([[{ scope: 'account', seconds: LOCK_SECONDS }]]);
    });

    it('logout is audited with who and from where', async () => {
      const res = await attempt(gw, 'bob', passwordOf('bob'), '192.0.2.33').expect(200);
      await gw.http.post('/api/auth/logout').set('X-Forwarded-For', '192.0.2.33').auth(res.body.accessToken, { type: 'bearer' }).expect(204);
      const logout = (await auditTrail(gw)).filter((e) => e.action === 'auth.logout');
      expect(logout.at(-1)).toMatchObject({ actor: 'user:bob', eventName: 'ConsoleLogout', userIdentity: { userName: 'bob' }, sourceIPAddress: '192.0.2.33' });
    });
  });

  describe('with no proxy trusted (the default), and the SSH jump', () => {
    let gw: TestGateway;
    let dir: string;

    beforeAll(async () => {
      dir = makeTempDir('vigil-throttle-e2e');
      gw = await startTestGateway(kind, THROTTLE);
      for (const name of ['dave', 'erin', 'frank']) await createUser(gw, name);
    });
    afterAll(async () => {
      await gw?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** One password attempt over SSH as `<user>+nowhere`; its stderr. */
    const sshPassword = async (username: string, password: string): Promise<string> => {
      const askpass = writeAskpass(dir, `askpass-${username}-${password.length}`, password);
      const args = [...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), `${username}+nowhere@127.0.0.1`, 'true'];
      const result = await run('ssh', args, { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } });
      expect(result.code).toBe(255);
      return result.stderr;
    };

    it('a forged X-Forwarded-For buys no fresh source', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await attempt(gw, 'dave', 'nope', `10.9.8.${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const failed = (await auditTrail(gw)).filter((e) => e.action === 'auth.login-failed' && typedName(e) === 'dave');
      expect(new Set(failed.map((e) => e.sourceIPAddress))).toEqual(new Set(['127.0.0.1']));
    });

    it('wrong passwords over HTTP lock SSH password login of that user too, and the other way round', async () => {
      // before: erin's right password passes the jump's authentication (the refusal is about the target)
      await expect(sshPassword('erin', passwordOf('erin'))).resolves.toMatch(/target "nowhere"/);
      for (let i = 0; i < 5; i++) await attempt(gw, 'erin', 'nope').expect(401);
      const erin = await sshPassword('erin', passwordOf('erin'));
      expect(erin).toMatch(/Vigil: too many failed password attempts; try again in \d+ s/);
      expect(erin).not.toMatch(/target "nowhere"/);

      for (let i = 0; i < 5; i++) await expect(sshPassword('frank', 'nope')).resolves.not.toMatch(/too many failed/);
      await attempt(gw, 'frank', passwordOf('frank')).expect(429);
    });
  });

  describe('two gateways sharing Redis', () => {
    let redis: RedisServer;
    let db: TestDatabase;
    let a: TestGateway;
    let b: TestGateway;

    beforeAll(async () => {
      redis = await RedisServer.start();
      db = await createTestDatabase(kind);
      a = await startTestGatewayOn(db, { ...THROTTLE, REDIS_URL: redis.url });
      b = await startTestGatewayOn(db, { ...THROTTLE, REDIS_URL: redis.url });
      await createUser(a, 'grace');
      await createUser(a, 'heidi');
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
      await db?.drop();
      await redis?.stop();
    });

    it('failures on gateway A count on gateway B: 3 + 2 lock the account on both', async () => {
      for (let i = 0; i < 3; i++) await attempt(a, 'grace', 'nope').expect(401);
      for (let i = 0; i < 2; i++) await attempt(b, 'grace', 'nope').expect(401);
      await attempt(a, 'grace', passwordOf('grace')).expect(429);
      await attempt(b, 'grace', passwordOf('grace')).expect(429);
      await attempt(b, 'heidi', passwordOf('heidi')).expect(200);
    });

    it('with Redis gone, logins still answer at once and each gateway throttles in its own memory; when it is back, the budget is shared again', async () => {
      const port = redis.port;
      await redis.stop();
      const started = Date.now();
      await attempt(a, 'heidi', passwordOf('heidi')).expect(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await attempt(b, 'heidi', 'nope')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

      redis = await RedisServer.start(port);
      // Both clients reconnect within their 5 s back-off; then a lock set through A holds on B.
      const deadline = Date.now() + 30_000;
      let shared = false;
      for (let round = 0; !shared && Date.now() < deadline; round++) {
        const name = `ivan${round}`;
        await createUser(a, name);
        for (let i = 0; i < 5; i++) await attempt(a, name, 'nope');
        shared = (await attempt(b, name, passwordOf(name))).status === 429;
        if (!shared) await sleep(1_000);
      }
      expect(shared).toBe(true);
    });
  });
});
