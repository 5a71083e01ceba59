/**
 * SSH targets in the browser, end to end: a real OpenSSH sshd target, the real gateway, Debian's
 * Chromium driving the built console's BrowserTerminal (xterm.js over socket.io `/terminal`), and
 * socket.io clients playing a `/live` viewer and an attacker. The session runs on the jump's own
 * path: PAM_SSH registration, asciicast recording sealed into the access log, shadowing, terminate.
 *
 * Build the console first: `npm run build:web --silent`.
 */
import * as fs from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { accessibilityViolations, launchChromium } from './support/browser';
import { DATABASE_KINDS } from './support/databases';
import { SshdHandle, makeKeyPair, makeTempDir, startSshd } from './support/sshd';
import { ADMIN, TestGateway, connectSocket, createUser, login, nextEvent, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';
import { waitForXterm, xtermText } from './support/xterm-page';

const TERMINATE_REASON = 'Change window closed: terminated from the console';
const UNKNOWN_TARGET = (name: string) => `Vigil: unknown target "${name}" (or you are not allowed to use it).`;

/** The text of the xterm.js DOM renderer under `selector` (NBSP as spaces). */

/** A `/terminal` socket with everything it received. */
interface TerminalClient {
  socket: Socket;
  output: () => string;
  ended: Array<{ reason: string; endReason: string }>;
  revoked: Array<{ reason: string; error: string }>;
}

async function terminalClient(gw: TestGateway, token: string): Promise<TerminalClient> {
  const socket = await connectSocket(gw.url, '/terminal', token);
  const chunks: Buffer[] = [];
  const client: TerminalClient = { socket, output: () => Buffer.concat(chunks).toString('utf8'), ended: [], revoked: [] };
  socket.on('output', (data: ArrayBuffer | Buffer | string) => chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as ArrayBuffer)));
  socket.on('ended', (p: { reason: string; endReason: string }) => client.ended.push(p));
  socket.on('revoked', (p: { reason: string; error: string }) => client.revoked.push(p));
  return client;
}

const until = (read: () => string, text: string, timeoutMs = 15_000) => eventually(async () => read(), (t) => t.includes(text), timeoutMs);

describe('browser SSH terminal (/terminal): real sshd, Chromium, the jump’s relay', () => {
  let dir: string;
  let sshd: SshdHandle;
  let gw: TestGateway;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let page: Page;
  let sessionId: string;
  let viewer: Socket;
  const viewerOutput: string[] = [];
  const viewerResizes: Array<{ cols: number; rows: number }> = [];

  const bearer = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const track = <T extends TerminalClient>(client: T): T => {
    sockets.push(client.socket);
    return client;
  };
  /**
   * The session's access-log entry once its end is recorded (404 until then: a closed terminal
   * can come before the move into the access log) and `ready` holds of it.
   */
  const endedEntry = async (id: string, ready: (entry: Record<string, unknown>) => boolean = () => true) => {
    const res = await eventually(() => gw.http.get(`/api/access-logs/${id}`).set(bearer('admin')), (r) => r.status === 200 && ready(r.body));
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-ssh');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    tokens.admin = gw.adminToken;
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin']) tokens[who] = await createUser(gw, who);
    const target = { host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey };
    await gw.http
      .post('/api/targets')
      .set(bearer('admin'))
      .send({ name: 'box', ...target, owner: 'alice', grants: { users: ['alice', 'carol', 'dave', 'erin'] } })
      .expect(201);
    // a target that exists, granted to nobody: it must look exactly like one that does not
    await gw.http.post('/api/targets').set(bearer('admin')).send({ name: 'vault', ...target, owner: 'admin' }).expect(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('alice connects from Chromium, types a command and sees its output; the session is PAM_SSH from the browser', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: gw.url });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/login');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.sessions-table').waitFor();
    await page.goto('/targets/box/connect');

    const screen = page.locator('[data-target="box"]');
    await page.locator('[data-target="box"][data-state="connected"]').waitFor();
    sessionId = (await screen.getAttribute('data-session-id'))!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.getByTestId('terminal-phase').textContent()).resolves.toContain('Connected');
    expect(await accessibilityViolations(page)).toEqual([]);

    // the keyboard goes to the terminal (it has focus on open), Enter included
    await page.keyboard.type('export PS1="$ "; echo WEB-$((6*7))-OK');
    await page.keyboard.press('Enter');
    await waitForXterm(page, '[data-target="box"]', 'WEB-42-OK');

    const open = await gw.http.get('/api/sessions?type=PAM_SSH').set(bearer('alice')).expect(200);
    const session = open.body.items.find((s: { id: string }) => s.id === sessionId);
    expect(session).toMatchObject({
      type: 'PAM_SSH',
      user: 'alice',
      device: '127.0.0.1',
      client: 'vigil web terminal',
      accountName: 'root',
      serviceProvider: 'box',
      owner: 'alice',
      port: sshd.port,
    });

    // the door is audited as the jump's is: who, from where, to which target
    const audit = await gw.http.get('/api/audit?eventName=OpenWebTerminal').set(bearer('admin')).expect(200);
    expect(JSON.stringify(audit.body.items)).toContain('"box"');
    expect(JSON.stringify(audit.body.items)).toContain('alice');
  });

  it('the terminal fills its box and follows it: a /live viewer sees the same output and the new size', async () => {
    viewer = await connectSocket(gw.url, '/live', tokens.admin);
    sockets.push(viewer);
    viewer.on('output', (p: { sessionId: string; data: string }) => p.sessionId === sessionId && viewerOutput.push(p.data));
    viewer.on('resize', (p: { sessionId: string; cols: number; rows: number }) => p.sessionId === sessionId && viewerResizes.push(p));
    const ack = await viewer.emitWithAck('attach', { sessionId, mode: 'view' });
    expect(ack).toMatchObject({ ok: true, kind: 'ssh', sessionId });
    expect(ack.screen).toContain('WEB-42-OK');
    // sized to its box, not xterm's default 80×24
    expect(ack.cols).toBeGreaterThan(100);
    expect(ack.rows).toBeGreaterThan(24);

    await page.keyboard.type('echo SHARED-$((20+3))-LINE');
    await page.keyboard.press('Enter');
    await waitForXterm(page, '[data-target="box"]', 'SHARED-23-LINE');
    await eventually(async () => viewerOutput.join(''), (t) => t.includes('SHARED-23-LINE'));

    await page.setViewportSize({ width: 800, height: 700 });
    const resized = await eventually(async () => viewerResizes.at(-1), (r) => r !== undefined && r.cols < ack.cols);
    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    // the target's PTY has the browser's new size
    await waitForXterm(page, '[data-target="box"]', `${resized!.rows} ${resized!.cols}`);
  });

  it('no keyboard trap: Ctrl+Alt+Shift+Q moves focus out of the terminal', async () => {
    await page.locator('[data-target="box"] textarea').focus();
    await page.keyboard.press('Control+Alt+Shift+KeyQ');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Disconnect');
    // the key itself never reached the shell, and the terminal takes the keyboard again on a click
    await page.locator('[data-target="box"]').click();
    await expect(page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea'))).resolves.toBe(true);
  });

  it('terminate (HTTP) closes the browser terminal within 1 s with the reason; the access log has the sealed recording with the output', async () => {
    const ended = nextEvent<{ sessionId: string; reason: string }>(viewer, 'ended', (p) => p.sessionId === sessionId);
    const requested = Date.now();
    await gw.http.post(`/api/sessions/${sessionId}/terminate`).set(bearer('admin')).send({ reason: TERMINATE_REASON }).expect(202);
    await page.getByTestId('terminal-ended').waitFor({ timeout: 5_000 });
    expect(Date.now() - requested).toBeLessThan(1000);
    await expect(page.getByTestId('terminal-ended').textContent()).resolves.toContain(TERMINATE_REASON);
    await expect(page.locator('[data-target="box"]').getAttribute('data-state')).resolves.toBe('ended');
    // the notice the user saw is on their screen (and, below, in the recording)
    expect(await xtermText(page, '[data-target="box"]')).toContain(`[Vigil] Session terminated by admin: ${TERMINATE_REASON}`);
    await expect(ended).resolves.toMatchObject({ reason: 'terminated' });

    const entry = await endedEntry(sessionId, (e) => e.recordingUrl !== null && e.recordingStatus !== null);
    expect(entry).toMatchObject({ type: 'PAM_SSH', endReason: 'terminated', endedBy: 'admin', endMessage: TERMINATE_REASON, recordingStatus: 'complete' });
    const cast = await gw.http.get(entry.recordingUrl).set(bearer('alice')).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(cast.status).toBe(200);
    expect(cast.headers['x-vigil-recording-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const text = (cast.body as Buffer).toString('utf8');
    expect(text).toContain('WEB-42-OK');
    expect(text).toContain('SHARED-23-LINE');
    expect(text).toContain(TERMINATE_REASON);
    const verified = await gw.http.get(`${entry.recordingUrl}/verify`).set(bearer('admin')).expect(200);
    expect(verified.body.ok).toBe(true);

    // Connect again opens a new session
    await page.getByRole('button', { name: 'Connect again' }).click();
    await page.locator('[data-target="box"][data-state="connected"]').waitFor();
    const again = await page.locator('[data-target="box"]').getAttribute('data-session-id');
    expect(again).not.toBe(sessionId);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByTestId('terminal-ended').waitFor();
    await endedEntry(again!);
  });

  describe('as an attacker on the socket', () => {
    it('refuses a handshake without a token, with a forged one, or with a token that no longer works', async () => {
      await expect(connectSocket(gw.url, '/terminal', undefined)).rejects.toThrow(/unauthorized/);
      await expect(connectSocket(gw.url, '/terminal', 'vgu_forged-token')).rejects.toThrow(/unauthorized/);
      await expect(connectSocket(gw.url, '/terminal', 'x'.repeat(10_000))).rejects.toThrow(/unauthorized/);
      const old = await login(gw.http, 'bob', 'bob-password');
      await gw.http.post('/api/auth/logout').set({ Authorization: `Bearer ${old}` }).expect((res) => expect(res.status).toBeLessThan(300));
      await expect(connectSocket(gw.url, '/terminal', old)).rejects.toThrow(/unauthorized/);
    });

    it('a target without a grant gets the same answer as one that does not exist, and opens nothing', async () => {
      const bob = track(await terminalClient(gw, tokens.bob));
      await expect(bob.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 })).resolves.toEqual({ ok: false, error: UNKNOWN_TARGET('box') });
      await expect(bob.socket.emitWithAck('open', { target: 'vault', cols: 80, rows: 24 })).resolves.toEqual({ ok: false, error: UNKNOWN_TARGET('vault') });
      await expect(bob.socket.emitWithAck('open', { target: 'nope', cols: 80, rows: 24 })).resolves.toEqual({ ok: false, error: UNKNOWN_TARGET('nope') });
      expect((await gw.http.get('/api/access-logs?user=bob').set(bearer('admin')).expect(200)).body.items).toEqual([]);
      const refused = await gw.http.get('/api/audit?eventName=OpenWebTerminal&user=bob').set(bearer('admin')).expect(200);
      expect(JSON.stringify(refused.body.items)).toContain('TargetNotAllowed');
    });

    it('malformed events get clear refusals and never break the socket', async () => {
      const carol = track(await terminalClient(gw, tokens.carol));
      for (const bad of [undefined, null, 'box', 42, [], {}, { target: 'box' }, { target: 'box', cols: 0, rows: 24 }, { target: 'box', cols: '80', rows: 24 }, { target: 'x'.repeat(5000), cols: 80, rows: 24 }]) {
        const ack = await carol.socket.emitWithAck('open', bad);
        expect(ack).toMatchObject({ ok: false, error: expect.stringMatching(/^open: /) });
      }
      // nothing is open yet: input and resize say so
      await expect(carol.socket.emitWithAck('input', 'ls\r')).resolves.toEqual({ ok: false, error: 'no terminal is open on this socket' });
      await expect(carol.socket.emitWithAck('resize', { cols: 100, rows: 30 })).resolves.toEqual({ ok: false, error: 'no terminal is open on this socket' });
      carol.socket.emit('no-such-event', { x: 1 });

      await expect(carol.socket.emitWithAck('open', { target: 'box', cols: 100, rows: 30 })).resolves.toMatchObject({ ok: true, sessionId: expect.any(String) });
      await expect(carol.socket.emitWithAck('open', { target: 'box', cols: 100, rows: 30 })).resolves.toEqual({ ok: false, error: 'a terminal is already open on this socket' });
      for (const bad of [undefined, null, 42, {}, { data: 'ls' }, ['ls'], true]) {
        await expect(carol.socket.emitWithAck('input', bad)).resolves.toMatchObject({ ok: false, error: expect.stringMatching(/^input: /) });
      }
      for (const bad of [undefined, 'big', { cols: -1, rows: 10 }, { cols: 1.5, rows: 10 }, { cols: 80 }]) {
        await expect(carol.socket.emitWithAck('resize', bad)).resolves.toMatchObject({ ok: false, error: expect.stringMatching(/^resize: /) });
      }
      // a huge size is clamped, not refused
      await expect(carol.socket.emitWithAck('resize', { cols: 99_999, rows: 99_999 })).resolves.toEqual({ ok: true });
      // and the terminal still works
      carol.socket.emit('input', 'stty size; echo CAROL-$((2*21))\r');
      await until(carol.output, 'CAROL-42');
      expect(carol.output()).toContain('500 1000');
      carol.socket.emit('input', 'exit\r');
      await eventually(async () => carol.ended.length, (n) => n === 1);
      expect(carol.ended[0]).toEqual({ reason: 'the session ended (exit status 0)', endReason: 'ended' });
    });

    it('oversize input is refused whole; a flood is dropped and then cut, and the gateway stays responsive', async () => {
      const dave = track(await terminalClient(gw, tokens.dave));
      const opened = await dave.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 });
      expect(opened.ok).toBe(true);
      await expect(dave.socket.emitWithAck('input', 'a'.repeat(8 * 1024 + 1))).resolves.toEqual({ ok: false, error: 'input: at most 8192 bytes per event' });
      await expect(dave.socket.emitWithAck('input', Buffer.alloc(64 * 1024, 0x61))).resolves.toEqual({ ok: false, error: 'input: at most 8192 bytes per event' });
      // past socket.io's message limit the transport itself hangs up on the sender
      const bulky = track(await terminalClient(gw, tokens.bob));
      const bulkyGone = new Promise((resolve) => bulky.socket.once('disconnect', resolve));
      bulky.socket.emit('input', Buffer.alloc(2 * 1024 * 1024, 0x61));
      await bulkyGone;
      dave.socket.emit('input', 'echo DAVE-$((3*3))-READY\r');
      await until(dave.output, 'DAVE-9-READY');

      // a bystander with her own terminal, to show the flood slows nobody else down
      const erin = track(await terminalClient(gw, tokens.erin));
      expect((await erin.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 })).ok).toBe(true);

      const disconnected = new Promise<string>((resolve) => dave.socket.once('disconnect', (reason) => resolve(reason)));
      const FLOOD = 5_000;
      for (let i = 0; i < FLOOD; i++) dave.socket.emit('input', '#');
      const started = Date.now();
      await gw.http.get('/health').expect((res) => expect(res.status).toBeLessThan(500));
      erin.socket.emit('input', 'echo ERIN-$((7*6))-FINE\r');
      await until(erin.output, 'ERIN-42-FINE');
      expect(Date.now() - started).toBeLessThan(10_000);
      // the flood costs the flooder their session
      await expect(disconnected).resolves.toBeDefined();
      // only the budget reached the target (a burst of 200, then 100/s), not the flood
      const typed = (dave.output().match(/#/g) ?? []).length;
      expect(typed).toBeGreaterThan(0);
      expect(typed).toBeLessThan(FLOOD / 4);
      const daveSession = (opened as { sessionId: string }).sessionId;
      const entry = await endedEntry(daveSession);
      expect(entry.endReason).toBe('terminated');
      erin.socket.close();
    });

    it('logging out (a revoked token) closes the socket and ends its session; a disabled user is cut off too', async () => {
      const token = await login(gw.http, 'carol', 'carol-password');
      const carol = track(await terminalClient(gw, token));
      const opened = await carol.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 });
      expect(opened.ok).toBe(true);
      carol.socket.emit('input', 'echo STILL-$((1+1))\r');
      await until(carol.output, 'STILL-2');
      await gw.http.post('/api/auth/logout').set({ Authorization: `Bearer ${token}` }).expect((res) => expect(res.status).toBeLessThan(300));
      await eventually(async () => carol.revoked.length, (n) => n === 1);
      expect(carol.revoked[0].reason).toBe('logout');
      await endedEntry(opened.sessionId);
      await expect(connectSocket(gw.url, '/terminal', token)).rejects.toThrow(/unauthorized/);

      const dave = track(await terminalClient(gw, await login(gw.http, 'dave', 'dave-password')));
      const daveOpened = await dave.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 });
      expect(daveOpened.ok).toBe(true);
      await gw.http.patch('/api/users/dave').set(bearer('admin')).send({ disabled: true }).expect(200);
      await eventually(async () => dave.revoked.length, (n) => n === 1);
      expect(dave.revoked[0].reason).toBe('disabled');
      const entry = await endedEntry(daveOpened.sessionId);
      expect(['terminated', 'ended']).toContain(entry.endReason);
    });
  });

  it('an admin without a grant is refused too: the grant decides, not the role', async () => {
    const admin = track(await terminalClient(gw, tokens.admin));
    await expect(admin.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 })).resolves.toEqual({ ok: false, error: UNKNOWN_TARGET('box') });
  });
});

describe.each(DATABASE_KINDS)('browser SSH terminal on %s: /live terminate, sealed recording, token expiry', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let gw: TestGateway;
  const fresh = async (who: 'frank' | 'admin') => login(gw.http, who, who === 'admin' ? ADMIN.password : 'frank-password');

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-ssh-db');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    // tokens live 6 s: long enough for each step below, short enough to watch one expire
    gw = await startTestGateway(kind, { VIGIL_TOKEN_TTL_SECONDS: '6' });
    await gw.http.post('/api/users').set({ Authorization: `Bearer ${gw.adminToken}` }).send({ username: 'frank', password: 'frank-password', roles: ['owner'], privileges: [] }).expect(201);
    await gw.http
      .post('/api/targets')
      .set({ Authorization: `Bearer ${gw.adminToken}` })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'frank', grants: { users: ['frank'] } })
      .expect(201);
  });

  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a terminate from /live closes the browser terminal within 1 s with the reason; the recording is sealed with the output', async () => {
    const frank = await terminalClient(gw, await fresh('frank'));
    const admin = await connectSocket(gw.url, '/live', await fresh('admin'));
    try {
      const opened = await frank.socket.emitWithAck('open', { target: 'box', cols: 90, rows: 30 });
      expect(opened).toMatchObject({ ok: true });
      frank.socket.emit('input', 'echo DB-$((40+2))-DONE\r');
      await until(frank.output, 'DB-42-DONE');
      await expect(admin.emitWithAck('attach', { sessionId: opened.sessionId, mode: 'view' })).resolves.toMatchObject({ ok: true, cols: 90, rows: 30 });
      const requested = Date.now();
      await expect(admin.emitWithAck('terminate', { sessionId: opened.sessionId, reason: 'Closed from the live view' })).resolves.toEqual({ ok: true });
      await eventually(async () => frank.ended.length, (n) => n === 1, 5_000);
      expect(Date.now() - requested).toBeLessThan(1000);
      expect(frank.ended[0]).toEqual({ reason: 'Session terminated by admin: Closed from the live view', endReason: 'terminated' });
      expect(frank.output()).toContain('[Vigil] Session terminated by admin: Closed from the live view');

      const adminToken = await fresh('admin');
      const entry = await eventually(
        async () => (await gw.http.get(`/api/access-logs/${opened.sessionId}`).set({ Authorization: `Bearer ${adminToken}` }).expect(200)).body,
        (e) => e.recordingStatus === 'complete',
      );
      expect(entry).toMatchObject({ type: 'PAM_SSH', client: 'vigil web terminal', endReason: 'terminated', endMessage: 'Closed from the live view' });
      const cast = await gw.http.get(entry.recordingUrl).set({ Authorization: `Bearer ${adminToken}` }).expect(200);
      expect(cast.text).toContain('DB-42-DONE');
      await expect(gw.http.get(`${entry.recordingUrl}/verify`).set({ Authorization: `Bearer ${adminToken}` }).then((r) => r.body.ok)).resolves.toBe(true);
    } finally {
      frank.socket.close();
      admin.close();
    }
  });

  it('closes the socket at the token’s expiry and ends the session; the expired token is refused at the handshake', async () => {
    const token = await fresh('frank');
    const frank = await terminalClient(gw, token);
    try {
      const opened = await frank.socket.emitWithAck('open', { target: 'box', cols: 80, rows: 24 });
      expect(opened.ok).toBe(true);
      await eventually(async () => frank.revoked.length, (n) => n === 1, 20_000);
      expect(frank.revoked[0]).toEqual({ reason: 'expired', error: 'your access token expired: sign in again' });
      const admin = await fresh('admin');
      await eventually(
        async () => (await gw.http.get(`/api/access-logs/${opened.sessionId}`).set({ Authorization: `Bearer ${admin}` })).body,
        (e) => e.status !== undefined && e.status !== 'Connected',
      );
      await expect(connectSocket(gw.url, '/terminal', token)).rejects.toThrow(/unauthorized/);
    } finally {
      frank.socket.close();
    }
  });
});
