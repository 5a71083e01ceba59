import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import request from 'supertest';
import { io } from 'socket.io-client';
import { loadConfig } from '@vigil/config';
import { RunningGateway, startGateway } from '../apps/gateway/src/create-gateway';
import { CONTENT_SECURITY_POLICY } from '../apps/gateway/src/security-headers';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { makeTempDir } from './support/sshd';
import { ADMIN, TestGateway, createAgent, startTestGateway } from './support/test-gateway';

const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Nothing in an answer that looks like a stack trace or an internal error. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/RangeError|Maximum call stack|\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+/);
}

/** A self-signed certificate for 127.0.0.1, made the way an operator would. */
function selfSignedCertificate(dir: string): { certFile: string; keyFile: string; cert: string } {
  const certFile = path.join(dir, 'vigil.crt');
  const keyFile = path.join(dir, 'vigil.key');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}

describe.each(DATABASE_KINDS)('HTTP hardening on %s', (kind) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(kind);
  });
  afterAll(() => gw.close());

  it('JSON nested 3,000 deep: 400 naming the limit, unauthenticated or not, never a 500 or a stack trace', async () => {
    for (const body of [objects(3000), `{"username":${arrays(3000)},"password":"x"}`, `{"a":${arrays(30_000)}}`]) {
      const anonymous = await gw.http.post('/api/auth/login').set('content-type', 'application/json').send(body);
      expect(anonymous.status).toBe(400);
      expect(anonymous.body).toEqual({ statusCode: 400, message: 'body: nested deeper than 64 levels', error: 'Bad Request' });
      expectNoInternals(anonymous.text);
    }
    const agent = await createAgent(gw, `deep-${kind}`);
    const authenticated = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).set('content-type', 'application/json').send(objects(3000));
    expect(authenticated.status).toBe(400);
    expectNoInternals(authenticated.text);
  });

  it('64 levels still parse (validation then answers about the fields), 65 do not', async () => {
    const at64 = await gw.http.post('/api/auth/login').set('content-type', 'application/json').send(`{"username":"admin","password":"x","extra":${objects(63)}}`);
    expect(at64.status).toBe(400);
    expect(at64.body.message).toEqual(expect.arrayContaining(['property extra should not exist']));
    const at65 = await gw.http.post('/api/auth/login').set('content-type', 'application/json').send(`{"username":"admin","password":"x","extra":${objects(64)}}`);
    expect(at65.body.message).toBe('body: nested deeper than 64 levels');
    // the gateway is fine afterwards
    await gw.http.get('/health').expect(200);
  });

  it('security headers on the console, the API and errors; no HSTS over plain HTTP', async () => {
    for (const res of [await gw.http.get('/'), await gw.http.get('/api/sessions'), await gw.http.get('/api/docs/'), await gw.http.get('/health')]) {
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

describe('HTTPS (TLS_CERT, TLS_KEY)', () => {
  let dir: string;
  let db: TestDatabase;
  let gateway: RunningGateway;
  let cert: string;

  beforeAll(async () => {
    dir = makeTempDir('vigil-tls-e2e');
    const made = selfSignedCertificate(dir);
    cert = made.cert;
    db = await createTestDatabase('sqlite');
    gateway = await startGateway(
      loadConfig({
        PORT: '0',
        JUMP_SSH_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        VIGIL_ADMIN_USER: ADMIN.username,
        VIGIL_ADMIN_PASSWORD: ADMIN.password,
        TLS_CERT: made.certFile,
        TLS_KEY: made.keyFile,
        ...db.env,
      }),
    );
  });
  afterAll(async () => {
    await gateway?.app.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS, and the URL it reports is https', async () => {
    expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const https = request(gateway.url);
    const health = await https.get('/health').ca(cert).expect(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    // plain HTTP on the same port gets nowhere
    await expect(request(gateway.url.replace('https:', 'http:')).get('/health').timeout(5000)).rejects.toThrow();
    // a client that does not trust the certificate refuses it
    await expect(https.get('/health').timeout(5000)).rejects.toThrow(/self.signed|certificate/i);
  });

  it('socket.io over wss: a token authenticates, the server pushes', async () => {
    const login = await request(gateway.url).post('/api/auth/login').ca(cert).send(ADMIN).expect(200);
    const socket = io(`${gateway.url}/sessions`, { auth: { token: login.body.accessToken }, transports: ['websocket'], reconnection: false, ca: cert });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('websocket');
      const agents = await request(gateway.url).post('/api/agents').ca(cert).auth(login.body.accessToken, { type: 'bearer' }).send({ name: 'tls-agent', kind: 'agent' }).expect(201);
      const opened = new Promise<{ owner: string }>((resolve) => socket.once('session.opened', resolve));
      await request(gateway.url)
        .post('/api/agent/sessions')
        .ca(cert)
        .auth(agents.body.token, { type: 'bearer' })
        .send({ externalId: 'tls-1', type: 'CONSOLE', user: 'u', device: 'd', client: 'c', owner: 'someone' })
        .expect(201);
      await expect(opened).resolves.toMatchObject({ owner: 'someone' });
    } finally {
      socket.close();
    }
  });
});

describe('the generated admin password', () => {
  let db: TestDatabase;
  let gateway: RunningGateway | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await gateway?.app.close();
    await db.drop();
  });

  it('is written to VIGIL_DATA_DIR/secrets/admin-password, 0600 in a 0700 folder, and signs in', async () => {
    gateway = await startGateway(loadConfig({ PORT: '0', JUMP_SSH_PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'warn', ...db.env }));
    const expected = path.join(db.env.VIGIL_DATA_DIR, 'secrets', 'admin-password');
    expect(gateway.adminPasswordFile).toBe(expected);
    expect(fs.statSync(expected).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(expected)).mode & 0o777).toBe(0o700);
    const password = fs.readFileSync(expected, 'utf8').trim();
    expect(password).toBe(gateway.generatedAdminPassword);
    expect(password.length).toBeGreaterThanOrEqual(16);
    // bound to every interface, and the start log says so; the URL it gives works from here
    expect(gateway.bound).toBe(`0.0.0.0:${gateway.port}, every IPv4 interface`);
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`);
    await request(gateway.url).post('/api/auth/login').send({ username: 'admin', password }).expect(200);
    // no temporary file is left beside it
    expect(fs.readdirSync(path.dirname(expected))).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});

describe('the console and the API docs in Chromium, under the Content-Security-Policy', () => {
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('sign-in, the live sessions page (socket.io from the same origin) and /api/docs run without a single CSP violation', async () => {
    const context = await browser.newContext({ baseURL: gw.url });
    context.setDefaultTimeout(15_000);
    // every violation the page reports, and every console line that mentions the policy
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const consoleLines: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) consoleLines.push(message.text());
    });
    try {
      await page.goto('/login');
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
      // the sessions page's socket connected: the browser's Origin passed the handshake check
      await page.locator('[data-link-state="live"]').waitFor();
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);

      await page.goto('/api/docs');
      await page.locator('.swagger-ui .info').waitFor();
      await page.locator('.opblock').first().waitFor();
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
      expect(consoleLines).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a page on another origin cannot frame Vigil (clickjacking)', async () => {
    // the attacker's page: another origin on this machine (a public page could not reach loopback at all).
    // It frames /health: a document that renders without scripts, so an empty frame can only mean refused.
    const attacker = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<iframe src="${gw.url}/health" width="400" height="100"></iframe>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`http://localhost:${(attacker.address() as { port: number }).port}/`);
      await page.waitForTimeout(1_500);
      const frames = page.frames().slice(1);
      expect(frames).toHaveLength(1);
      const shown = await frames[0].evaluate(() => document.body?.innerText ?? '').catch(() => '');
      expect(shown).not.toContain('status');
    } finally {
      await context.close();
      await new Promise((resolve) => attacker.close(resolve));
    }
  });
});
