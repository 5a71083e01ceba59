/**
 * An RDP/VNC session's recording, end to end: a real VNC session through guacamole-lite and the real
 * guacd (which records it), colours painted on the target's X display during the session, then the
 * access-log entry in Debian's Chromium plays guacd's recording with Guacamole.SessionRecording to
 * the last frame (the last colour on its canvas), pauses, seeks, changes speed, verifies; a tampered
 * file shows as tampered. Also: the HTTP answers (type, file name, hash header), the live rewind of
 * the session while it runs (guacd's file so far), and another owner getting 404.
 *
 * Build the console first (npm run build:web).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { AccessLogService } from '@vigil/access-log';
import { VigilConfig } from '@vigil/config';
import { RdpSessions } from '@vigil/rdp';
import { XRootPainter } from '../bench/rdp/x-root-painter';
import { accessibilityViolations, launchChromium } from './support/browser';
import { GuacamoleParser } from './support/guacamole-protocol';
import { RdpStack, VNC_TARGET } from './support/rdp-stack';
import type { TestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const GUAC_TYPE = 'application/vnd.vigil.guacamole-recording';
/** what is painted, in order: the last one is the recording's last frame */
/** ms on CLOCK_MONOTONIC, as libuv reads it (the clock guacd stamps its frames with) */
const monotonicMs = () => Number(process.hrtime.bigint() / 1_000_000n);
const RED = 0xff0000;
const BLUE = 0x0000ff;

type Rgb = [number, number, number];

/**
 * Runs in the page: the colour of the player's largest canvas (guacd's default layer) at a quarter
 * of its width and height: the middle is where X draws its pointer.
 */
const screenColour = (page: Page): Promise<Rgb | null> =>
  page.evaluate(() => {
    const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-guac-display] canvas'));
    const screen = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (!screen || screen.width === 0) return null;
    const [r, g, b] = screen.getContext('2d')!.getImageData(screen.width >> 2, screen.height >> 2, 1, 1).data;
    return [r, g, b] as [number, number, number];
  });

const isColour = (rgb: Rgb | null, want: number) =>
  rgb !== null && Math.abs(rgb[0] - ((want >> 16) & 0xff)) < 40 && Math.abs(rgb[1] - ((want >> 8) & 0xff)) < 40 && Math.abs(rgb[2] - (want & 0xff)) < 40;

describe('web console: RDP/VNC recording playback (Chromium, real guacd and Xvnc)', () => {
  let stack: RdpStack;
  let gw: TestGateway;
  let browser: Browser;
  let painter: XRootPainter;
  let sessionId: string;
  let recordingFile: string;
  /** when the root window was painted red, and then blue: ms of CLOCK_MONOTONIC, guacd's clock for its sync timestamps */
  let redAt = 0;
  let blueAt = 0;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const get = (url: string, token: string) => gw.http.get(url).auth(token, { type: 'bearer' }).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: 'light', baseURL: gw.url });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    return page;
  };

  beforeAll(async () => {
    stack = await RdpStack.start('sqlite', { rdp: false, users: { alice: { roles: ['owner'] }, oscar: { roles: ['owner'] } }, grantTo: ['alice'] });
    gw = stack.gw;
    painter = await XRootPainter.connect(stack.servers.vnc.display);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    painter?.close();
    await stack?.stop();
  }, 90_000);

  afterEach(() => {
    // no uncaught error in any page during the test
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it("records a VNC session painted red then blue; while live, its owner rewinds guacd's file so far and another owner gets 404", () => stack.withLogs(async () => {
    const { client, answer } = await stack.connect(stack.tokens.alice, VNC_TARGET);
    sessionId = answer.sessionId;
    await eventually(async () => gw.app.get(RdpSessions).get(sessionId), (s) => s !== undefined);
    await sleep(800);
    await painter.paint(RED);
    redAt = monotonicMs();
    // guacd sees the change, draws it to the user and records it
    await client.waitFor((i) => i.opcode === 'img' || i.opcode === 'png', 'a screen update after the paint', 10_000);
    await sleep(1200);

    // the live rewind (DVR): what guacd has written so far, as a Guacamole recording
    const live = await eventually(() => get(`/api/sessions/${sessionId}/recording`, stack.tokens.alice), (r) => r.status === 200 && (r.body as Buffer).length > 0);
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toBe(GUAC_TYPE);
    expect(live.headers['content-disposition']).toBe(`inline; filename="${sessionId}.guac"`);
    // complete Guacamole instructions up to guacd's last write: frames (sync) with the screen drawn in them
    const parser = new GuacamoleParser();
    const opcodes = new Set(parser.push(live.body as Buffer).map((i) => i.opcode));
    expect([...opcodes]).toEqual(expect.arrayContaining(['size', 'sync']));
    expect([...opcodes].some((op) => op === 'img' || op === 'png')).toBe(true);
    await get(`/api/sessions/${sessionId}/recording`, stack.tokens.oscar).expect(404);

    blueAt = monotonicMs();
    await painter.paint(BLUE);
    await sleep(1500);
    client.close();
    await client.waitClosed();

    const entry = await eventually(
      async () => (await gw.http.get(`/api/access-logs/${sessionId}`).auth(stack.tokens.alice, { type: 'bearer' })).body,
      (body) => body?.recordingStatus != null,
      30_000,
    );
    expect(entry).toMatchObject({ id: sessionId, type: 'PAM_RDP', recordingStatus: 'complete', recordingFormat: 'guacamole', recordingUrl: `/api/access-logs/${sessionId}/recording` });
    const stored = await gw.app.get(AccessLogService).recordingOf(sessionId, null);
    recordingFile = path.join(gw.app.get(VigilConfig).dataDir, 'recordings', stored!.path);
  }), 120_000);

  it('serves the sealed recording as a Guacamole recording named <id>.guac with its hash; download and verify work; another owner gets 404', async () => {
    const bytes = fs.readFileSync(recordingFile);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const inline = await get(`/api/access-logs/${sessionId}/recording`, stack.tokens.alice).expect(200);
    expect(inline.headers['content-type']).toBe(GUAC_TYPE);
    expect(inline.headers['content-disposition']).toBe(`inline; filename="${sessionId}.guac"`);
    expect(inline.headers['x-vigil-recording-sha256']).toBe(sha256);
    expect(inline.headers['x-vigil-recording-status']).toBe('complete');
    expect(Buffer.compare(inline.body as Buffer, bytes)).toBe(0);
    const download = await get(`/api/access-logs/${sessionId}/recording?download=true`, stack.tokens.alice).expect(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="${sessionId}.guac"`);
    await expect(gw.http.get(`/api/access-logs/${sessionId}/recording/verify`).auth(stack.tokens.alice, { type: 'bearer' }).then((r) => r.body)).resolves.toEqual({ ok: true, sha256 });

    // another owner: the entry, its recording and its hash do not exist for them
    for (const url of [`/api/access-logs/${sessionId}`, `/api/access-logs/${sessionId}/recording`, `/api/access-logs/${sessionId}/recording?download=true`, `/api/access-logs/${sessionId}/recording/verify`]) {
      await gw.http.get(url).auth(stack.tokens.oscar, { type: 'bearer' }).expect(404);
    }
  }, 60_000);

  it('plays the recording in Chromium to its last frame (blue), pauses, seeks with the keyboard, changes speed; verified; tampering shows', async () => {
    const page = await newPage();
    await page.goto('/login');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.sessions-table').waitFor();
    await page.goto(`/access-logs/${sessionId}`);
    await page.locator('[data-verify="ok"]').waitFor();

    const player = page.locator('.recording-player[data-format="guacamole"]');
    await page.locator('.recording-player[data-format="guacamole"]:not([data-state="loading"])').waitFor();
    await expect(page.getByRole('img', { name: /^Recording of alice → .+ \(desktop\)$/ }).count()).resolves.toBe(1);
    const duration = Number(await player.getAttribute('data-duration'));
    // the session ran ~4 s, the paints ~1.5 s apart
    expect(duration).toBeGreaterThan(1);
    await page.waitForFunction(() => document.querySelector('.guac-player')?.getAttribute('data-painted') === '0.00');
    await expect(screenColour(page).then((c) => isColour(c, BLUE))).resolves.toBe(false);

    // play at 4× to the end: "finished" once the last frame is drawn
    await player.getByLabel('Speed 4×').check({ force: true });
    await player.getByRole('button', { name: 'Play recording' }).click();
    await expect(player.getAttribute('data-state')).resolves.toMatch(/playing|finished/);
    await page.locator('.guac-player[data-state="finished"]').waitFor({ timeout: (duration / 4) * 1000 + 15_000 });
    await expect(player.getAttribute('data-position')).resolves.toBe(duration.toFixed(2));
    await expect(player.getAttribute('data-painted')).resolves.toBe(duration.toFixed(2));
    expect(isColour(await screenColour(page), BLUE)).toBe(true);
    await expect(page.locator('.guac-player .player-time').textContent()).resolves.toMatch(/^(\d+:\d\d) \/ \1$/);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // seek with the keyboard: Home is the first frame (not blue yet), End the last one again
    const slider = player.getByRole('slider', { name: 'Position in the recording' });
    await slider.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('.guac-player')?.getAttribute('data-painted') === '0.00');
    await expect(screenColour(page).then((c) => isColour(c, BLUE))).resolves.toBe(false);
    await page.keyboard.press('End');
    await page.locator('.guac-player[data-state="finished"]').waitFor();
    expect(isColour(await screenColour(page), BLUE)).toBe(true);

    // seek to the frames painted red and then blue. guacd stamps its frames (sync) with
    // CLOCK_MONOTONIC milliseconds (libguac/timestamp.c), the clock of Node's hrtime, so which
    // frames come after each paint is known from the file (a paint may take several frames to
    // draw: the last frame before blue's paint shows red whole, the last frame of all blue); the
    // player's timeline starts at the first frame. A seek shows the last frame at or before the
    // position (patches/guacamole-common-js: upstream's search often stopped at the frame after):
    // seek to a frame's own time, rounded up to the slider's 10 ms, to see that frame.
    const syncs = new GuacamoleParser().push(fs.readFileSync(recordingFile)).filter((i) => i.opcode === 'sync').map((i) => Number(i.args[0]));
    const redFrame = [...syncs].reverse().find((t) => t > redAt && t < blueAt);
    const blueFrame = syncs[syncs.length - 1];
    expect(redFrame).toBeDefined();
    expect(blueFrame).toBeGreaterThan(blueAt);
    const sliderAt = (frame: number) => Math.ceil((frame - syncs[0]) / 10);
    const colourAt = async (value: number): Promise<string> => {
      await slider.fill(String(value));
      // the slider's last step is the end itself (seek-slider.ts), any other one its own time
      const atEnd = value >= Number(await slider.getAttribute('max'));
      await page.waitForFunction((want) => document.querySelector('.guac-player')?.getAttribute('data-painted') === want, (atEnd ? duration : value * 0.01).toFixed(2));
      const colour = await screenColour(page);
      return isColour(colour, RED) ? 'red' : isColour(colour, BLUE) ? 'blue' : 'other';
    };
    // the frame's images are decoded by the browser after the seek has applied the instructions:
    // read the canvas until it shows the frame (or give up after 15 s: on a loaded 2-core CI
    // machine, Chromium decoding the frame's images shares the cores with guacd and the suite)
    const seekShows = async (value: number, want: string) => {
      let seen = await colourAt(value);
      for (const until = Date.now() + 15_000; seen !== want && Date.now() < until; ) {
        await sleep(100);
        const colour = await screenColour(page);
        seen = isColour(colour, RED) ? 'red' : isColour(colour, BLUE) ? 'blue' : 'other';
      }
      return seen;
    };
    // Seeking back to the last frame before blue's paint shows red, the last frame blue, and back
    // once more. (Before the seek was made exact, the frame after was often shown: part blue, or,
    // with some frame counts, blue's frames for red's time and red's for blue's.)
    await expect(seekShows(sliderAt(redFrame!), 'red')).resolves.toBe('red');
    await expect(seekShows(sliderAt(blueFrame), 'blue')).resolves.toBe('blue');
    await expect(seekShows(sliderAt(redFrame!), 'red')).resolves.toBe('red');

    // pause: at 0.5× from the start, the position stops moving once paused and stays short of the end
    await player.getByLabel('Speed 0.5×').check({ force: true });
    await slider.focus();
    await page.keyboard.press('Home');
    const playedAt = Date.now();
    await player.getByRole('button', { name: 'Play recording' }).click();
    await page.waitForFunction(() => Number(document.querySelector('.guac-player')?.getAttribute('data-position')) > 0.2);
    await player.getByRole('button', { name: 'Pause playback' }).click();
    const pausedWall = Date.now();
    await expect(player.getAttribute('data-state')).resolves.toBe('paused');
    const pausedAt = await player.getAttribute('data-position');
    await sleep(700);
    await expect(player.getAttribute('data-position')).resolves.toBe(pausedAt);
    expect(Number(pausedAt)).toBeLessThan(duration);
    // 0.5×: the recording advanced at most half as fast as the wall clock (a loaded machine only slows it)
    expect(Number(pausedAt)).toBeLessThanOrEqual(((pausedWall - playedAt) / 1000) * 0.5 + 0.05);

    // a changed file no longer matches its sealed hash
    fs.appendFileSync(recordingFile, '4.sync,4.9999;');
    await page.reload();
    await page.locator('[data-verify="tampered"]').waitFor();
    await expect(page.locator('[data-verify="tampered"]').textContent()).resolves.toContain('Tampered');
  }, 180_000);
});
