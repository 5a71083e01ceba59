/**
 * The recording player in a real browser: a real `ssh -tt` session through Vigil's jump to a
 * loopback sshd, watched, taken over, paused and terminated from the console, then played back.
 * Proves the player's keyboard, wall-clock times, the audit trail's markers (seeking on click),
 * idle-time skipping, and that the live page's rewind plays beside the live terminal.
 *
 * Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { screenshotDir } from './support/screenshot-dir';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, createUser, startTestGateway } from './support/test-gateway';
import { waitForXterm, xtermText } from './support/xterm-page';

const TERMINATE_REASON = 'Player test: closed from the console';
/** a quiet stretch in the recording, longer than the player's default idle limit (2 s) */
const IDLE_SECONDS = 4.5;
const ZONE = 'Asia/Tokyo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Runs in the page: a time as the player shows it (the browser's locale and zone). */
const pageClock = (page: Page, epochMs: number) =>
  page.evaluate((ms) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms), epochMs);

describe('web console: the recording player (Chromium, real SSH through the jump)', () => {
  const shots = screenshotDir();
  const shoot = async (page: Page, name: string) => {
    // a full-page shot of a scrolled page paints the sticky top bar where the viewport was
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots.dir, name), fullPage: true });
  };
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser;
  let user: InteractiveProcess;
  let sessionId: string;
  let pages: ConsolePages;

  const player = (page: Page) => page.locator('.recording-player');
  const attr = async (page: Page, name: string) => (await player(page).getAttribute(name)) ?? '';
  const waitForAttr = (page: Page, name: string, value: string) => page.locator(`.recording-player[${name}="${value}"]`).waitFor();
  const openPlayback = async (page: Page) => {
    await page.goto(`/access-logs/${sessionId}`);
    await player(page).waitFor();
    await page.locator('.recording-player[data-painted="0.00"]').waitFor();
  };

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-player');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    const aliceToken = await createUser(gw, 'alice');
    await gw.http.post('/api/me/ssh-keys').auth(aliceToken, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    browser = await launchChromium();
    pages = new ConsolePages(
      () => browser,
      () => gw.url,
    );

    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2');
    user.write('echo BEFORE-$((100+1))-JOIN\n');
    await user.waitFor('BEFORE-101-JOIN');
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).expect(200);
    sessionId = open.body.items[0].id;
  }, 60_000);

  afterAll(async () => {
    await pages?.closeAll();
    await browser?.close();
    user?.kill();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    shots.cleanup();
  });

  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  it('live: join, take control, pause the user, hand back; Rewind plays beside the live terminal (both visible), with markers; terminate', async () => {
    const admin = await pages.signedIn(ADMIN.username, ADMIN.password, { height: 900 });
    await admin.locator(`tr[data-session-id="${sessionId}"]`).getByRole('link', { name: /^Interact / }).click();
    await admin.locator('#live-screen[data-painted="true"][data-mode="interact"]').waitFor();

    await admin.getByRole('button', { name: 'Take control' }).click();
    await admin.getByRole('button', { name: 'Hand back control' }).waitFor();
    // the take-over marker shows the screen before this command: the header's start is whole seconds
    await sleep(2000);
    await admin.locator('#live-screen .xterm').click();
    await admin.keyboard.type('echo TYPED-$((6*7))-AFTER-TAKE');
    await admin.keyboard.press('Enter');
    await user.waitFor('TYPED-42-AFTER-TAKE');
    await admin.getByRole('button', { name: 'Pause user' }).click();
    await admin.getByRole('button', { name: 'Resume user' }).click();
    await admin.getByTestId('user-paused').waitFor({ state: 'detached' });
    await admin.getByRole('button', { name: 'Hand back control' }).click();
    await admin.getByRole('button', { name: 'Take control' }).waitFor();

    // a quiet stretch for the idle skipping, then more output
    await sleep(IDLE_SECONDS * 1000);
    user.write('echo AFTER-IDLE-$((9*9))\n');
    await waitForXterm(admin, '#live-screen', 'AFTER-IDLE-81');

    await admin.getByRole('button', { name: 'Rewind', exact: true }).click();
    const dvr = admin.getByTestId('dvr');
    await dvr.locator('.recording-player').waitFor();
    await dvr.locator('[data-testid="player-markers"] button[data-kind="take"]').waitFor();
    // both on screen, side by side: the rewind does not replace the live terminal
    const live = admin.locator('#live-screen');
    await expect(live.isVisible()).resolves.toBe(true);
    await expect(dvr.isVisible()).resolves.toBe(true);
    const liveBox = (await live.boundingBox())!;
    const dvrBox = (await dvr.boundingBox())!;
    expect(dvrBox.x).toBeGreaterThanOrEqual(liveBox.x + liveBox.width - 1);
    expect(dvrBox.y).toBeLessThan(liveBox.y + liveBox.height);
    // the live terminal stays joined while rewinding
    user.write('echo WHILE-REWINDING-$((3*3))\n');
    await waitForXterm(admin, '#live-screen', 'WHILE-REWINDING-9');
    await expect(dvr.locator('[data-testid="player-markers"] button[data-kind="join"]').count()).resolves.toBeGreaterThan(0);
    await shoot(admin, 'live-rewind.png');
    await expect(accessibilityViolations(admin)).resolves.toEqual([]);
    await admin.getByRole('button', { name: 'Close rewind' }).click();
    await dvr.waitFor({ state: 'detached' });
    await expect(live.isVisible()).resolves.toBe(true);

    await admin.getByRole('button', { name: 'Terminate…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Terminate session' });
    await dialog.getByLabel(/Reason/).fill(TERMINATE_REASON);
    await dialog.getByRole('button', { name: 'Terminate', exact: true }).click();
    await admin.getByTestId('ended-banner').waitFor();
    await Promise.race([user.exited, sleep(5000)]);
    expect(user.text).toContain(TERMINATE_REASON);
    // the sealed recording is what the next tests play
    const deadline = Date.now() + 15_000;
    for (;;) {
      const entry = await gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' });
      if (entry.status === 200 && entry.body.recordingStatus === 'complete') break;
      if (Date.now() > deadline) throw new Error(`recording not sealed: ${JSON.stringify(entry.body)}`);
      await sleep(200);
    }
  }, 90_000);

  it('markers for the join, the take-over, the pause, the hand-back and the terminate, named with their wall-clock time; a click seeks to it', async () => {
    const admin = await pages.signedIn(ADMIN.username, ADMIN.password, { height: 900 });
    await openPlayback(admin);
    const markers = admin.locator('[data-testid="player-markers"] button');
    await admin.locator('[data-testid="player-markers"] button[data-kind="terminate"]').waitFor();
    const kinds = await markers.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['join', 'take', 'pause', 'resume', 'handback', 'terminate']));
    expect(kinds.indexOf('join')).toBeLessThan(kinds.indexOf('take'));
    expect(kinds.indexOf('take')).toBeLessThan(kinds.indexOf('terminate'));

    // each name is "who did what at <time>", the time the audit record's, as this browser shows times
    const takes = await gw.http.get(`/api/audit?sessionId=${sessionId}&eventName=TakeControl`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(takes.body.items).toHaveLength(1);
    const takeName = `admin took control at ${await pageClock(admin, Date.parse(takes.body.items[0].eventTime))}`;
    const take = admin.getByRole('button', { name: takeName, exact: true });
    await expect(take.count()).resolves.toBe(1);
    await expect(admin.getByRole('button', { name: /^admin terminated the session at / }).count()).resolves.toBe(1);
    await expect(admin.getByRole('button', { name: /^admin joined to interact at / }).count()).resolves.toBe(1);
    // placed in time order along the timeline
    const terminate = admin.locator('button[data-kind="terminate"]');
    expect((await take.boundingBox())!.x).toBeLessThan((await terminate.boundingBox())!.x);

    // a click seeks to the marker's moment: before the take-over's command, then the final screen
    await take.click();
    await waitForAttr(admin, 'data-position', (await take.getAttribute('data-time'))!);
    await admin.waitForFunction(() => {
      const el = document.querySelector('.recording-player');
      return el !== null && el.getAttribute('data-painted') === el.getAttribute('data-position');
    });
    expect(await xtermText(admin, '.player-screen')).toContain('BEFORE-101-JOIN');
    expect(await xtermText(admin, '.player-screen')).not.toContain('TYPED-42-AFTER-TAKE');
    await expect(admin.locator('.recording-player [role="status"]').textContent()).resolves.toContain(`Moved to ${takeName}.`);
    await shoot(admin, 'player-markers.png');
    await terminate.click();
    await waitForAttr(admin, 'data-position', (await terminate.getAttribute('data-time'))!);
    await waitForXterm(admin, '.player-screen', 'AFTER-IDLE-81');
    expect(await xtermText(admin, '.player-screen')).toContain('TYPED-42-AFTER-TAKE');
    await expect(accessibilityViolations(admin)).resolves.toEqual([]);
  });

  it('keyboard: Space plays and pauses, ←/→ move 5 s and Shift 30 s, Home/End the ends, only with the focus in the player; announced', async () => {
    const admin = await pages.signedIn(ADMIN.username, ADMIN.password, { height: 900 });
    await openPlayback(admin);
    await expect(admin.getByTestId('player-keys-help').textContent()).resolves.toContain('Space play/pause, ←/→ 5 s, Shift+←/→ 30 s');
    // real seconds, so each step is exactly 5 s of the recording
    await admin.getByTestId('idle-skip').uncheck();
    await waitForAttr(admin, 'data-idle-limit', 'off');
    const duration = Number(await attr(admin, 'data-duration'));
    expect(duration).toBeGreaterThan(IDLE_SECONDS + 2);
    const status = admin.locator('.recording-player [role="status"]');

    await admin.locator('.player-screen').focus();
    await admin.keyboard.press('Space');
    await waitForAttr(admin, 'data-state', 'playing');
    await expect(status.textContent()).resolves.toBe('Playing at 1×.');
    await admin.waitForFunction(() => Number(document.querySelector('.recording-player')?.getAttribute('data-position')) > 0.2);
    await admin.keyboard.press('Space');
    await waitForAttr(admin, 'data-state', 'paused');
    await expect(status.textContent()).resolves.toBe('Paused.');

    await admin.keyboard.press('Home');
    await waitForAttr(admin, 'data-position', '0.00');
    await admin.keyboard.press('ArrowRight');
    await waitForAttr(admin, 'data-position', '5.00');
    await expect(status.textContent()).resolves.toMatch(/^Paused\. At 0:05 of \d+:\d{2}, /);
    await admin.keyboard.press('Shift+ArrowRight');
    const afterBig = Math.min(duration, 35);
    await waitForAttr(admin, 'data-position', afterBig.toFixed(2));
    await admin.keyboard.press('ArrowLeft');
    await waitForAttr(admin, 'data-position', (afterBig - 5).toFixed(2));
    await admin.keyboard.press('End');
    await waitForAttr(admin, 'data-position', duration.toFixed(2));
    // on the seek slider the arrows move by the same steps (not its hundredths of a second)
    await admin.getByRole('slider', { name: 'Position in the recording' }).focus();
    await admin.keyboard.press('Home');
    await admin.keyboard.press('ArrowRight');
    await waitForAttr(admin, 'data-position', '5.00');

    // focus outside the player: the keys are the page's, nothing moves or plays
    await admin.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await admin.keyboard.press('ArrowRight');
    await admin.keyboard.press('Space');
    await sleep(300);
    await expect(attr(admin, 'data-position')).resolves.toBe('5.00');
    await expect(attr(admin, 'data-state')).resolves.toBe('paused');
  });

  it('idle skipping is on by default and shortens the playback; the timeline keeps the real times', async () => {
    const admin = await pages.signedIn(ADMIN.username, ADMIN.password, { height: 900 });
    await openPlayback(admin);
    await expect(attr(admin, 'data-idle-limit')).resolves.toBe('2');
    const duration = Number(await attr(admin, 'data-duration'));
    const played = Number(await attr(admin, 'data-play-duration'));
    // the 4.5 s pause plays in 2 s (and other pauses of the test over 2 s are cut too)
    expect(played).toBeLessThanOrEqual(duration - (IDLE_SECONDS - 2) + 0.5);
    await expect(admin.getByTestId('idle-summary').textContent()).resolves.toMatch(/plays in \d+:\d{2}\.$/);
    // the slider spans the shortened playback, but reads out real times
    const slider = admin.getByRole('slider', { name: 'Position in the recording' });
    await slider.focus();
    await admin.keyboard.press('End');
    await waitForAttr(admin, 'data-position', duration.toFixed(2));
    const realClock = `${Math.floor(duration / 60)}:${String(Math.floor(duration) % 60).padStart(2, '0')}`;
    await expect(slider.getAttribute('aria-valuetext')).resolves.toMatch(new RegExp(`^${realClock} of ${realClock}, `));
    // off: real time again
    await admin.getByTestId('idle-skip').uncheck();
    await expect(attr(admin, 'data-play-duration')).resolves.toBe(duration.toFixed(2));
    await admin.getByTestId('idle-skip').check();
    await expect(attr(admin, 'data-play-duration')).resolves.toBe(played.toFixed(2));
  });

  it('wall-clock times: the header start plus the position, in the browser’s zone; dark theme', async () => {
    const cast = await gw.http.get(`/api/access-logs/${sessionId}/recording`).auth(gw.adminToken, { type: 'bearer' }).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    const startMs = (JSON.parse((cast.body as string).split('\n')[0]) as { timestamp: number }).timestamp * 1000;
    const admin = await pages.signedIn(ADMIN.username, ADMIN.password, { height: 900, colorScheme: 'dark', timezoneId: ZONE });
    await openPlayback(admin);
    await expect(admin.getByTestId('player-wall-now').textContent()).resolves.toBe(` · ${await pageClock(admin, startMs)}`);
    await expect(admin.getByTestId('player-wall-clock').textContent()).resolves.toContain(`(times in ${ZONE})`);
    const duration = Number(await attr(admin, 'data-duration'));
    await admin.locator('.player-screen').focus();
    await admin.keyboard.press('End');
    await waitForAttr(admin, 'data-position', duration.toFixed(2));
    await expect(admin.getByTestId('player-wall-now').textContent()).resolves.toBe(` · ${await pageClock(admin, startMs + duration * 1000)}`);
    // the zone is the browser's: Tokyo is UTC+9, so the shown time differs from UTC's
    const utc = new Date(startMs).toISOString().slice(11, 16);
    expect(await pageClock(admin, startMs)).not.toContain(utc);
    await admin.locator('[data-testid="player-markers"] button[data-kind="terminate"]').waitFor();
    await expect(accessibilityViolations(admin)).resolves.toEqual([]);
  });

  it('the owner, without audit rights, plays the recording with no markers and a note saying why', async () => {
    const alice = await pages.signedIn('alice', 'alice-password');
    await openPlayback(alice);
    await expect(alice.getByTestId('markers-note').textContent()).resolves.toContain('only admins and auditors may read');
    await expect(alice.locator('[data-testid="player-markers"] button').count()).resolves.toBe(0);
    await expect(accessibilityViolations(alice)).resolves.toEqual([]);
  });
});
