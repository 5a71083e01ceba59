import * as fs from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { accessibilityViolations, launchChromium } from './support/browser';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, createUser, nextEvent, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';
import { createSshTarget, registerSshKey } from './support/ssh-fixtures';

/**
 * The live page's Request control, the holder's Grant / Deny banner, the control hints and
 * "Message the user", in Chromium against a real session (OpenSSH → jump → sshd). The other
 * party is a socket.io /live viewer. Needs the console bundle: `npm run build:web`.
 */
describe('live page: request / grant control and message the user (Chromium)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: InteractiveProcess;
  let sessionId: string;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-live-control');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    tokens.alice = await createUser(gw, 'alice');
    tokens.bob = await createUser(gw, 'bob', ['auditor'], ['shadow', 'interact']);
    tokens.dave = await createUser(gw, 'dave', ['auditor'], ['shadow', 'interact']);
    await registerSshKey(gw, tokens.alice, aliceKey);
    await createSshTarget(gw, sshd, targetKey);
    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    user.write('export PS1="$ "; echo UI-$((1+1))\n');
    await user.waitFor('UI-2');
    const sessions = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as { id: string }[]),
      (items) => items.length === 1,
    );
    sessionId = sessions[0].id;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    user?.kill();
    await context?.close().catch(() => undefined);
    await browser?.close();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bob requests control from dave in the browser, dave grants; then bob, holding it, denies dave from the banner; the hints say why; bob messages the user', async () => {
    const dave = await connectSocket(gw.url, '/live', tokens.dave);
    sockets.push(dave);
    const daveAck = await dave.emitWithAck('attach', { sessionId, mode: 'interact' });
    await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });

    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, baseURL: gw.url });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/login');
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('bob-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.sessions-table').waitFor();
    await page.goto(`/sessions/${sessionId}/live?mode=interact`);
    await page.locator('[data-testid="live-phase"]', { hasText: 'Live' }).waitFor();

    // someone else holds control: the hint names them and says what to do
    await expect(page.getByTestId('control-hint').textContent()).resolves.toBe('dave holds control: request it.');
    const asked = nextEvent<{ from: string; username: string }>(dave, 'control-request', (p) => p.username === 'bob', 10_000);
    await page.getByRole('button', { name: 'Request control' }).click();
    const request = await asked;
    await page.getByRole('button', { name: 'Control requested…' }).waitFor();
    await expect(page.getByTestId('control-hint').textContent()).resolves.toMatch(/waiting for their answer/);
    await expect(dave.emitWithAck('control', { sessionId, action: 'grant', to: request.from })).resolves.toEqual({ ok: true });
    await page.getByRole('button', { name: 'Hand back control' }).waitFor();
    await expect(page.getByTestId('control-hint').textContent()).resolves.toMatch(/You hold control/);

    // now dave asks bob: the banner offers Grant / Deny; Deny keeps the lock with bob
    await expect(dave.emitWithAck('control', { sessionId, action: 'request' })).resolves.toEqual({ ok: true });
    const banner = page.getByTestId('control-requests');
    await banner.getByText('dave asks for control of this session.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    const denied = nextEvent<{ outcome: string; by: string }>(dave, 'control-request-closed', () => true, 10_000);
    await banner.getByRole('button', { name: 'Deny' }).click();
    await expect(denied).resolves.toMatchObject({ outcome: 'denied', by: 'bob' });
    await banner.getByText('dave asks for control').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Hand back control' }).waitFor();
    expect(daveAck.ok).toBe(true);

    // a message to the user: one [Vigil] line on their terminal
    await page.getByRole('textbox', { name: 'Message the user' }).fill('Bob here: please stop the deploy');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('message-status').getByText('Sent to the user.').waitFor();
    await user.waitFor('[Vigil] message from bob: Bob here: please stop the deploy');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
