/**
 * Live shadowing and playback in the web console, end to end: a real sshd target, a real
 * `ssh -tt` user session through Vigil's jump, and Debian's Chromium driving the built console.
 *
 * Build first (npm run build). Screenshots go to docs/screenshots only with VIGIL_SCREENSHOTS=1.
 * Writes the View → first-paint figures to BENCHMARKS.md (section web-view); `npm run bench:web-view`
 * runs the measuring test alone and holds it to the 300 ms goal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { writeBenchmarkSection } from '../bench/support/benchmarks-file';
import { accessibilityViolations, launchChromium } from './support/browser';
import { findFile } from './support/find-file';
import { screenshotDir } from './support/screenshot-dir';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, createUser, startTestGateway } from './support/test-gateway';
import { waitForXterm, xtermText } from './support/xterm-page';

const VIEWS_MEASURED = 5;
const FIRST_PAINT_GOAL_MS = 300;
/**
 * The goal is the product's (a quiet machine paints in ~70-170 ms); the suite runs this file beside
 * ~250 others on a 2-core CI machine, where the same code measured 314 and 440 ms medians. So the
 * suite fails on a regression (a lost frame budget of this size is a fetch waterfall, a second
 * handshake or a polling fallback, not load), and `npm run bench:web-view` runs this test alone and
 * holds it to the goal. BENCHMARKS.md gets the verdict against the goal either way.
 */
const FIRST_PAINT_REGRESSION_MS = 1_000;
const FIRST_PAINT_GOAL_ENFORCED = process.env.VIGIL_FIRST_PAINT_GOAL === 'enforce';
const FIRST_PAINT_BOUND_MS = FIRST_PAINT_GOAL_ENFORCED ? FIRST_PAINT_GOAL_MS : FIRST_PAINT_REGRESSION_MS;
const TERMINATE_REASON = 'Policy check: closed from the web console';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};


describe('web console: live shadowing, DVR and playback (Chromium, real SSH)', () => {
  const shots = screenshotDir();
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser;
  let aliceToken: string;
  let user: InteractiveProcess;
  let sessionId: string;
  let adminPage: Page;
  let alicePage: Page;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const processes: InteractiveProcess[] = [];

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: 'light', baseURL: gw.url });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };
  const signIn = async (page: Page, username: string, password: string) => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.sessions-table').waitFor();
  };
  const row = (page: Page, id: string) => page.locator(`tr[data-session-id="${id}"]`);
  const watchersOf = (page: Page, id: string) => row(page, id).locator('td[data-slot="watchers"]');
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(shots.dir, name), fullPage: true });

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-shadow');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    aliceToken = await createUser(gw, 'alice');
    await gw.http.post('/api/me/ssh-keys').auth(aliceToken, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    browser = await launchChromium();

    // alice's interactive session through the jump, with something on screen before anyone watches
    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    processes.push(user);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2');
    user.write('echo BEFORE-$((100+1))-MARKER\n');
    await user.waitFor('BEFORE-101-MARKER');
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).expect(200);
    expect(open.body.items).toHaveLength(1);
    sessionId = open.body.items[0].id;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    processes.forEach((p) => p.kill());
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    shots.cleanup();
  });

  afterEach(() => {
    // no uncaught error in any page during the test
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('View shows the live SSH screen at once, then new output live; the owner sees who is watching; View → first paint is measured', async () => {
    alicePage = await newPage();
    await signIn(alicePage, 'alice', 'alice-password');
    await expect(watchersOf(alicePage, sessionId).getAttribute('data-watchers')).resolves.toBe('');

    adminPage = await newPage();
    await signIn(adminPage, ADMIN.username, ADMIN.password);
    const samples: number[] = [];
    for (let i = 0; i < VIEWS_MEASURED; i++) {
      if (i > 0) {
        await adminPage.getByRole('link', { name: '← Sessions' }).click();
        // leaving the view detaches: the owner's page no longer shows the admin watching
        await alicePage.waitForSelector(`tr[data-session-id="${sessionId}"] td[data-watchers=""]`);
      }
      await row(adminPage, sessionId).getByRole('link', { name: /^View / }).click();
      await adminPage.locator('#live-screen[data-first-paint-ms]').waitFor();
      samples.push(Number(await adminPage.locator('#live-screen').getAttribute('data-first-paint-ms')));
      // the screen from before joining is what was painted (the wait only absorbs a renderer frame)
      await waitForXterm(adminPage, '#live-screen', 'BEFORE-101-MARKER', true, 1000);
      await alicePage.waitForSelector(`tr[data-session-id="${sessionId}"] td[data-watchers="admin"]`);
    }
    await expect(watchersOf(alicePage, sessionId).locator('[aria-label]').getAttribute('aria-label')).resolves.toBe('Watched by admin (view)');
    await expect(watchersOf(alicePage, sessionId).textContent()).resolves.toContain('👁 admin');
    // a sessions page opened while the admin is already watching shows it at once (no change event)
    const latePage = await newPage();
    await signIn(latePage, 'alice', 'alice-password');
    await latePage.waitForSelector(`tr[data-session-id="${sessionId}"] td[data-watchers="admin"]`);
    await latePage.context().close();

    // new output arrives live
    user.write('echo LIVE-$((200+2))-MARKER\n');
    await waitForXterm(adminPage, '#live-screen', 'LIVE-202-MARKER');
    await expect(adminPage.getByTestId('live-phase').textContent()).resolves.toBe('Live');
    await expect(adminPage.getByTestId('viewer-list').textContent()).resolves.toContain('admin (you)');
    await expect(accessibilityViolations(adminPage)).resolves.toEqual([]);

    // view mode never sends keystrokes, and says why
    await adminPage.locator('#live-screen .xterm').click();
    await adminPage.keyboard.type('echo SHOULD-NOT-RUN');
    await expect(adminPage.getByTestId('input-notice').textContent()).resolves.toContain('View only');
    await expect(adminPage.getByRole('button', { name: 'Take control' }).count()).resolves.toBe(0);
    await sleep(300);
    expect(user.text).not.toContain('SHOULD-NOT-RUN');

    for (const ms of samples) expect(ms).toBeGreaterThan(0);
    const med = median(samples);
    const max = Math.max(...samples);
    writeBenchmarkSection(
      'web-view',
      [
        '## Web console: View → first screen painted',
        '',
        'Time from clicking **View** on the sessions page to the live SSH session’s current screen painted in the browser’s',
        'xterm.js (click time stored by the link; `data-first-paint-ms` set one animation frame after the attach ack’s',
        'screen was parsed). Real `ssh -tt` session through the jump to a loopback sshd, headless Chromium, SQLite.',
        'Measured by `npm run bench:web-view` (this test alone, held to the goal); the full suite runs it beside the other',
        `test files and fails only past ${FIRST_PAINT_REGRESSION_MS.toLocaleString('en-US')} ms (a regression, not load).`,
        '',
        '| views | median | max | goal | verdict |',
        '| ---: | ---: | ---: | ---: | :--- |',
        `| ${samples.length} | ${med.toFixed(1)} ms | ${max.toFixed(1)} ms | ≤ ${FIRST_PAINT_GOAL_MS} ms | ${med <= FIRST_PAINT_GOAL_MS ? 'met' : 'not met'}${FIRST_PAINT_GOAL_ENFORCED ? '' : ' (run inside the full suite)'} |`,
        '',
        `Samples (ms): ${samples.map((s) => s.toFixed(1)).join(', ')}.`,
      ].join('\n'),
    );
    expect(med).toBeLessThanOrEqual(FIRST_PAINT_BOUND_MS);
  });

  it('Interact: take control, type a command in the browser that runs on the target; pause and resume the user; hand back', async () => {
    await adminPage.getByRole('link', { name: '← Sessions' }).click();
    await row(adminPage, sessionId).getByRole('link', { name: /^Interact / }).click();
    await adminPage.locator('#live-screen[data-painted="true"][data-mode="interact"]').waitFor();
    await alicePage.waitForSelector(`tr[data-session-id="${sessionId}"] td[data-watchers="admin"] [aria-label="Watched by admin (interact)"]`);

    // without control, keystrokes are refused with the reason
    await adminPage.locator('#live-screen .xterm').click();
    await adminPage.keyboard.type('x');
    await expect(adminPage.getByTestId('input-notice').textContent()).resolves.toContain('Take control first');

    await adminPage.getByRole('button', { name: 'Take control' }).click();
    await adminPage.getByRole('button', { name: 'Hand back control' }).waitFor();
    await expect(adminPage.getByTestId('control-holder').textContent()).resolves.toBe('Control: you');
    await adminPage.locator('#live-screen .xterm').click();
    await adminPage.keyboard.type('echo WEB-$((6*7))-TYPED');
    await adminPage.keyboard.press('Enter');
    await user.waitFor('WEB-42-TYPED');
    await waitForXterm(adminPage, '#live-screen', 'WEB-42-TYPED');

    await adminPage.getByRole('button', { name: 'Pause user' }).click();
    await expect(adminPage.getByTestId('user-paused').textContent()).resolves.toContain('paused by you');
    await shoot(adminPage, 'live-view.png');
    await adminPage.getByRole('button', { name: 'Resume user' }).click();
    await adminPage.getByTestId('user-paused').waitFor({ state: 'detached' });
    user.write('echo USER-$((5*5))-AGAIN\n');
    await waitForXterm(adminPage, '#live-screen', 'USER-25-AGAIN');

    await adminPage.getByRole('button', { name: 'Hand back control' }).click();
    await adminPage.getByRole('button', { name: 'Take control' }).waitFor();
    await expect(adminPage.getByTestId('control-holder').textContent()).resolves.toContain('no viewer holds control');

    // no keyboard trap: Tab stays in the terminal (as a shell needs), the documented key moves the focus out
    await adminPage.locator('#live-screen .xterm').click();
    await adminPage.keyboard.press('Tab');
    await expect(adminPage.evaluate(() => document.activeElement?.closest('#live-screen') !== null)).resolves.toBe(true);
    await adminPage.keyboard.press('Control+Alt+Shift+KeyQ');
    await expect(adminPage.evaluate(() => (document.activeElement?.closest('.live-toolbar') ? document.activeElement.tagName : null))).resolves.toBe('BUTTON');
    await expect(adminPage.locator('#live-keyboard-hint').textContent()).resolves.toContain('Ctrl+Alt+Shift+Q');
  });

  it('Rewind replays the recording so far into a second terminal with a timeline, and Back to live returns', async () => {
    user.write('echo DVR-$((300+3))-MARKER\n');
    await waitForXterm(adminPage, '#live-screen', 'DVR-303-MARKER');
    await adminPage.getByRole('button', { name: 'Rewind', exact: true }).click();
    const dvr = adminPage.getByTestId('dvr');
    await dvr.locator('.recording-player').waitFor();
    // the rewind plays beside the live terminal, which stays visible
    await expect(adminPage.locator('#live-screen').isVisible()).resolves.toBe(true);
    const dvrScreen = '[data-testid="dvr"] .player-screen';
    /** The recording is flushed to disk about every second: load newer output until `text` is in it. */
    const dvrShows = async (text: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await waitForXterm(adminPage, dvrScreen, text, true, 700);
        } catch (error) {
          if (attempt >= 6) throw error;
          await dvr.getByRole('button', { name: 'Load newer output' }).click();
        }
      }
    };
    // it opens at "now"
    await dvrShows('DVR-303-MARKER');
    await expect(accessibilityViolations(adminPage)).resolves.toEqual([]);
    expect(await xtermText(adminPage, dvrScreen)).toContain('WEB-42-TYPED');
    // output after opening Rewind is fetched on demand
    user.write('echo NEWER-$((400+4))-MARKER\n');
    await user.waitFor('NEWER-404-MARKER');
    await dvrShows('NEWER-404-MARKER');
    await adminPage.locator('[data-testid="dvr"][aria-busy="false"]').waitFor();

    // back to the start of the timeline: nothing of later output
    const slider = dvr.getByRole('slider', { name: 'Position in the recording' });
    await slider.focus();
    await adminPage.keyboard.press('Home');
    await waitForXterm(adminPage, dvrScreen, 'DVR-303-MARKER', false);
    await expect(dvr.locator('.recording-player').getAttribute('data-position')).resolves.toBe('0.00');
    expect(await xtermText(adminPage, dvrScreen)).not.toContain('WEB-42-TYPED');
    // forward again to the newest output: End replays the whole recording in one write, which
    // xterm.js parses over several frames; the player says when the last frame is drawn
    await adminPage.keyboard.press('End');
    const player = dvr.locator('.recording-player');
    await adminPage.waitForFunction(
      (el) => el !== null && el.getAttribute('data-painted') === el.getAttribute('data-duration'),
      await player.elementHandle(),
    );
    await waitForXterm(adminPage, dvrScreen, 'NEWER-404-MARKER', true, 3000);

    await adminPage.getByRole('button', { name: 'Close rewind' }).click();
    await dvr.waitFor({ state: 'detached' });
    await adminPage.locator('#live-screen').waitFor({ state: 'visible' });
    user.write('echo AFTER-DVR-$((1+3))\n');
    await waitForXterm(adminPage, '#live-screen', 'AFTER-DVR-4');
  });

  it("Terminate with a reason: the user's ssh exits showing it, the browser shows the ended banner", async () => {
    user.write("printf '\\033[2J\\033[3;4HFINAL-%s-SCREEN' $((7*6)); echo\n");
    await waitForXterm(adminPage, '#live-screen', 'FINAL-42-SCREEN');
    await adminPage.getByRole('button', { name: 'Terminate…' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Terminate session' });
    const confirm = dialog.getByRole('button', { name: 'Terminate', exact: true });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/Reason/).fill(TERMINATE_REASON);
    await confirm.click();

    const exit = await Promise.race([user.exited, sleep(5000).then(() => null)]);
    expect(exit).not.toBeNull();
    expect(user.text).toContain(TERMINATE_REASON);
    const banner = adminPage.getByTestId('ended-banner');
    await banner.waitFor();
    await expect(banner.getAttribute('data-reason')).resolves.toBe('terminated');
    await expect(adminPage.getByTestId('end-message').textContent()).resolves.toBe(TERMINATE_REASON);
    await expect(banner.textContent()).resolves.toContain('Ended by admin');
    await expect(adminPage.getByTestId('live-phase').textContent()).resolves.toBe('Ended');
    // nothing stale on the page of an ended session: the banner says it once, in words; the summary
    // line gives the final status; nobody is listed as watching any more
    await expect(banner.textContent()).resolves.toContain('The session was terminated.');
    await expect(banner.textContent()).resolves.not.toMatch(/\(ended\)|\(terminated\)/);
    await adminPage.getByTestId('session-summary').filter({ hasText: '(Terminated)' }).waitFor();
    await expect(adminPage.locator('[data-testid="viewer-list"] li').count()).resolves.toBe(0);
    await row(alicePage, sessionId).waitFor({ state: 'detached' });
  });

  it('finds the ended session in the access log; its recording verifies and plays to the final screen; tampering shows', async () => {
    await adminPage.getByRole('link', { name: 'Access logs', exact: true }).click();
    await adminPage.getByLabel('User', { exact: true }).fill('alice');
    await adminPage.getByRole('button', { name: 'Search', exact: true }).click();
    await adminPage.waitForURL((url) => url.searchParams.get('user') === 'alice');
    const entry = adminPage.locator(`tr[data-entry-id="${sessionId}"]`);
    await entry.waitFor();
    await entry.getByRole('link').click();
    await adminPage.waitForURL((url) => url.pathname === `/access-logs/${sessionId}`);
    await expect(adminPage.locator('[data-field="endMessage"] dd').textContent()).resolves.toBe(TERMINATE_REASON);
    await adminPage.locator('[data-verify="ok"]').waitFor();

    const player = adminPage.locator('.recording-player');
    await player.waitFor();
    const duration = Number(await player.getAttribute('data-duration'));
    expect(duration).toBeGreaterThan(1);
    await player.getByLabel('Speed 4×').check({ force: true });
    await player.getByRole('button', { name: 'Play recording' }).click();
    await expect(player.getAttribute('data-state')).resolves.toBe('playing');
    await waitForXterm(adminPage, '.player-screen', 'BEFORE-101-MARKER', true, 5000);
    // plays through to the final screen (4× the session's length, plus slack)
    await adminPage.locator('.recording-player[data-state="finished"]').waitFor({ timeout: (duration / 4) * 1000 + 10_000 });
    // "finished" means the last frame is drawn; the wait only absorbs a slow renderer under load
    await waitForXterm(adminPage, '.player-screen', TERMINATE_REASON, true, 3000);
    const finalText = await xtermText(adminPage, '.player-screen');
    expect(finalText).toContain('FINAL-42-SCREEN');
    expect(finalText).toContain(TERMINATE_REASON);
    await expect(accessibilityViolations(adminPage)).resolves.toEqual([]);
    await adminPage.evaluate('window.scrollTo(0, 0)');
    await shoot(adminPage, 'playback.png');

    // seeking: back to the start and forward to the end again
    const slider = player.getByRole('slider', { name: 'Position in the recording' });
    await slider.focus();
    await adminPage.keyboard.press('Home');
    await waitForXterm(adminPage, '.player-screen', 'FINAL-42-SCREEN', false);
    await adminPage.keyboard.press('End');
    await waitForXterm(adminPage, '.player-screen', 'FINAL-42-SCREEN');

    // a changed file no longer matches its sealed hash
    const stored = findFile(path.join(gw.db.env.VIGIL_DATA_DIR, 'recordings'), `${sessionId}.vcast`);
    expect(stored).not.toBeNull();
    fs.appendFileSync(stored!, '[0.5, "o", "forged"]\n');
    await adminPage.reload();
    await adminPage.locator('[data-verify="tampered"]').waitFor();
    await expect(adminPage.locator('[data-verify="tampered"]').textContent()).resolves.toContain('Tampered');
  });
});

