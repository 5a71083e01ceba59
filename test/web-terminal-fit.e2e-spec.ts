/**
 * A wide session (200 columns) in the web console's live view and playback, Debian's Chromium at
 * 1366 and 800 px: fitted to the width by default (nothing clipped, the scale shown), 1:1 on
 * request (scrollable), the choice kept across pages. The terminal keeps the session's columns:
 * only what the viewer sees is scaled. Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { Client, type ClientChannel } from 'ssh2';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { SshdHandle, makeKeyPair, makeTempDir, startSshd } from './support/sshd';
import { ADMIN, TestGateway, createUser, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

const COLS = 200;

describe('web console: a wide terminal fits the page (Chromium, real SSH)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let gw: TestGateway;
  let browser: Browser;
  let client: Client;
  let shell: ClientChannel;
  let sessionId: string;

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-fit');
    const aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    const alice = await createUser(gw, 'alice');
    await gw.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'wide', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    // a real SSH client through the jump with a 200-column terminal
    client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({ host: '127.0.0.1', port: gw.jumpPort, username: 'alice+wide', privateKey: fs.readFileSync(aliceKey.privatePath) });
    });
    shell = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm-256color', cols: COLS, rows: 30 }, (error, channel) => (error ? reject(error) : resolve(channel))),
    );
    let text = '';
    shell.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    shell.write(`export PS1='$ '; printf 'LEFT-EDGE%0${COLS - 19}dRIGHT-EDGE\\n' 0\n`);
    await eventually(async () => text, (t) => t.includes('RIGHT-EDGE'), 10_000);
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    sessionId = open.body.items[0].id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    client?.end();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const pages = new ConsolePages(() => browser, () => gw.url);
  const signedIn = (width: number): Promise<Page> => pages.signedIn(ADMIN.username, ADMIN.password, { width, height: 800 });
  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  /** Where the terminal's drawn area ends, against the page's width and its host's visible box. */
  const geometry = (page: Page, host: string) =>
    page.evaluate((selector) => {
      const element = document.querySelector<HTMLElement>(selector)!;
      const screen = element.querySelector<HTMLElement>('.xterm-screen')!.getBoundingClientRect();
      return {
        zoom: Number(element.dataset.zoom),
        screenRight: screen.right,
        viewport: document.documentElement.clientWidth,
        scrollable: element.scrollWidth > element.clientWidth,
      };
    }, host);

  it.each([1366, 800])('at %i px the live view fits the 200 columns by default; 1:1 scrolls; the choice is kept', async (width) => {
    const page = await signedIn(width);
    await page.goto(`/sessions/${sessionId}/live?mode=view`);
    await page.locator('#live-screen[data-painted="true"]').waitFor();
    await page.waitForFunction(() => (document.querySelector('#live-screen .xterm-rows')?.textContent ?? '').includes('RIGHT-EDGE'));
    // fitted: scaled below 1 and the right edge of the session is on screen
    const fitted = await eventually(() => geometry(page, '#live-screen'), (g) => g.zoom < 1);
    expect(fitted.screenRight).toBeLessThanOrEqual(fitted.viewport);
    expect(fitted.scrollable).toBe(false);
    await expect(page.getByTestId('terminal-scale').textContent()).resolves.toBe(`${Math.round(fitted.zoom * 100)} %`);
    // the session keeps its size: the user's 200-column line is one row of the viewer's terminal, not wrapped
    await expect(
      page.evaluate(() => Array.from(document.querySelectorAll('#live-screen .xterm-rows > div')).some((row) => /^LEFT-EDGE0+RIGHT-EDGE/.test(row.textContent ?? ''))),
    ).resolves.toBe(true);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // 1:1 on request: full size, scrollable sideways
    await page.getByRole('button', { name: 'Fit to width' }).click();
    await expect(page.getByRole('button', { name: 'Fit to width' }).getAttribute('aria-pressed')).resolves.toBe('false');
    const actual = await eventually(() => geometry(page, '#live-screen'), (g) => g.zoom === 1);
    expect(actual.scrollable).toBe(true);
    await expect(page.getByTestId('terminal-scale').textContent()).resolves.toBe('1:1');
    // kept across pages (per browser), then back to fit
    await page.reload();
    await page.locator('#live-screen[data-painted="true"]').waitFor();
    await expect(page.getByRole('button', { name: 'Fit to width' }).getAttribute('aria-pressed')).resolves.toBe('false');
    await page.getByRole('button', { name: 'Fit to width' }).click();
    await eventually(() => geometry(page, '#live-screen'), (g) => g.zoom < 1);
  });

  it('the recording of the wide session plays fitted too', async () => {
    shell.end();
    client.end();
    const entry = await eventually(
      () => gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body as { recordingStatus?: string }),
      (e) => e.recordingStatus === 'complete',
      15_000,
    );
    expect(entry.recordingStatus).toBe('complete');
    const page = await signedIn(1366);
    await page.goto(`/access-logs/${sessionId}`);
    await page.locator('.recording-player').waitFor();
    await page.getByRole('button', { name: /^Play/ }).click();
    await page.waitForFunction(() => (document.querySelector('.player-screen .xterm-rows')?.textContent ?? '').includes('RIGHT-EDGE'), undefined, { timeout: 15_000 });
    const fitted = await eventually(() => geometry(page, '.player-screen'), (g) => g.zoom < 1);
    expect(fitted.screenRight).toBeLessThanOrEqual(fitted.viewport);
  });
});
