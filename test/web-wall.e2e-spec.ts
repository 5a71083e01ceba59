/**
 * The wall of live sessions in the web console, end to end: a real sshd target, real `ssh -tt`
 * sessions through Vigil's jump, and Debian's Chromium driving the built console. Their screens
 * show in the tiles (server-side thumbnails over /live), a paused wall stops changing, a session
 * without a live stream says why, a tile opens the live page; both themes pass axe-core.
 *
 * Build first (npm run build:web). The README screenshot is written only with VIGIL_SCREENSHOTS=1.
 */
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { readmeScreenshot } from './support/screenshot-dir';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const tile = (page: Page, id: string) => page.locator(`li.wall-tile[data-session-id="${id}"]`);
const tileText = (page: Page, id: string) => tile(page, id).locator('.xterm-rows').evaluate((el) => (el.textContent ?? '').replace(/\u00a0/g, ' '));
const waitForTileText = (page: Page, id: string, text: string, timeout = 10_000) =>
  page.waitForFunction(
    ([sel, want]) => (document.querySelector(`${sel} .xterm-rows`)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(want),
    [`li.wall-tile[data-session-id="${id}"]`, text] as const,
    { timeout },
  );

describe('web console: the wall of live sessions (Chromium, real SSH)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser;
  let pages: ConsolePages;
  let aliceToken: string;
  const users: InteractiveProcess[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-wall');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    aliceToken = await createUser(gw, 'alice');
    await createUser(gw, 'audrey', ['auditor']);
    await gw.http.post('/api/me/ssh-keys').auth(aliceToken, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    for (const name of ['box', 'box2']) {
      await gw.http
        .post('/api/targets')
        .auth(gw.adminToken, { type: 'bearer' })
        .send({ name, host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
        .expect(201);
    }
    for (const [name, marker] of [
      ['box', 'WALL-ONE'],
      ['box2', 'WALL-TWO'],
    ]) {
      const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), `alice+${name}@127.0.0.1`]);
      users.push(user);
      user.write(`export PS1="$ "; echo ${marker}-$((1+1))\n`);
      await user.waitFor(`${marker}-2`);
    }
    const open = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).then((r) => r.body.items as { id: string; serviceProvider: string }[]),
      (items) => items.length === 2,
    );
    for (const s of open) ids[s.serviceProvider] = s.id;
    // a session an agent reported: in the registry, with no live stream
    const agent = await createAgent(gw);
    const reported = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ user: 'alice', client: 'srv-app-03', type: 'CONSOLE' })).expect(201);
    ids.agent = reported.body.id;
    browser = await launchChromium();
    pages = new ConsolePages(() => browser, () => gw.url);
  }, 120_000);

  afterAll(async () => {
    await pages?.closeAll();
    await browser?.close();
    users.forEach((u) => u.kill());
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  it('shows each SSH session’s screen in its tile, live at a low rate; explains the one without a live view; pause stops updates', async () => {
    const page = await pages.signedIn(ADMIN.username, ADMIN.password, { width: 1366, height: 900 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wall' }).click();
    await page.getByRole('heading', { name: 'Wall', level: 1 }).waitFor();
    // the tiles come with the sessions list, after the heading ("Loading…" first): wait, then count
    await page.getByRole('link', { name: 'alice → root@box2', exact: true }).waitFor();
    await expect(page.getByRole('link', { name: 'alice → root@box', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'alice → root@box2', exact: true }).count()).resolves.toBe(1);
    await waitForTileText(page, ids.box, 'WALL-ONE-2');
    await waitForTileText(page, ids.box2, 'WALL-TWO-2');
    await expect(tile(page, ids.box).getAttribute('data-thumbnail-status')).resolves.toBe('live');

    // the agent's session: a labelled tile saying why there is no thumbnail
    const none = tile(page, ids.agent);
    await expect(none.getAttribute('data-thumbnail-status')).resolves.toBe('none');
    await expect(none.textContent()).resolves.toMatch(/alice on srv-app-03.*No live view.*Reported by an agent/);

    // new output reaches the tile within a couple of ticks
    users[0].write('echo LATER-$((40+2))\n');
    await waitForTileText(page, ids.box, 'LATER-42', 5000);

    // paused: the gateway sends nothing, the tile keeps its screen
    const pause = page.getByRole('button', { name: 'Pause updates' });
    await pause.click();
    await expect(page.getByRole('button', { name: 'Resume updates' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(tile(page, ids.box).getAttribute('data-thumbnail-status')).resolves.toBe('paused');
    users[0].write('echo PAUSED-$((50+5))\n');
    await users[0].waitFor('PAUSED-55');
    await sleep(2500);
    await expect(tileText(page, ids.box)).resolves.not.toContain('PAUSED-55');
    await page.getByRole('button', { name: 'Resume updates' }).click();
    await waitForTileText(page, ids.box, 'PAUSED-55', 5000);

    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await readmeScreenshot(page, 'wall.png');
  });

  it('passes axe-core in the dark theme too', async () => {
    const page = await pages.signedIn(ADMIN.username, ADMIN.password, { colorScheme: 'dark' });
    await page.goto('/wall');
    await waitForTileText(page, ids.box2, 'WALL-TWO-2');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('a click on a tile opens the live page of that session; Enter on a focused tile too', async () => {
    const page = await pages.signedIn(ADMIN.username, ADMIN.password);
    await page.goto('/wall');
    await waitForTileText(page, ids.box2, 'WALL-TWO-2');
    // a click anywhere on the screen (the link covers the tile)
    const box = await tile(page, ids.box2).locator('.wall-thumb').boundingBox();
    if (!box) throw new Error('the tile has no screen');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(`**/sessions/${ids.box2}/live?mode=view`);
    await page.locator('#live-screen .xterm-rows').waitFor();
    await page.waitForFunction(() => (document.querySelector('#live-screen .xterm-rows')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('WALL-TWO-2'));

    await page.goto('/wall');
    const link = page.getByRole('link', { name: 'alice → root@box', exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/sessions/${ids.box}/live?mode=view`);
  });

  it('the server refuses what the user may not watch, and the tile says so in words', async () => {
    // an auditor sees every session but lacks the shadow privilege
    const page = await pages.signedIn('audrey', 'audrey-password');
    await page.goto('/wall');
    await page.waitForSelector(`li.wall-tile[data-session-id="${ids.box}"][data-thumbnail-status="refused"]`);
    await expect(tile(page, ids.box).textContent()).resolves.toContain('No live view: Watching this session requires the shadow privilege');
    await expect(tileText(page, ids.box)).resolves.not.toContain('WALL-ONE');
  });
});
