/**
 * The first start, in Chromium: a gateway booted as `npm start` boots it (VIGIL_DEMO=1), the admin
 * signs in, clicks View on the demo's live SSH session and sees its screen change as the scripted
 * user works; View on a simulated session says why there is nothing to watch.
 *
 * Build the console first (npm run build:web).
 */
import { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { ADMIN, TestGateway, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

interface Session {
  id: string;
  serviceProvider: string | null;
}

const screenText = (page: Page) => page.evaluate(() => (document.querySelector('#live-screen .xterm-rows')?.textContent ?? '').replace(/\u00a0/g, ' '));

describe('web console: the demo of the first start (Chromium)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const sessions = async () =>
    (await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items as Session[];

  beforeAll(async () => {
    gw = await startTestGateway('sqlite', { VIGIL_DEMO: '1' });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: gw.url });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('sign in, View the demo session: the live screen shows the scripted user and keeps changing', async () => {
    const demo = (await eventually(sessions, (items) => items.some((s) => s.serviceProvider === 'demo-shell'), 20_000)).find((s) => s.serviceProvider === 'demo-shell');
    expect(demo).toBeDefined();
    await page.goto('/login');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator(`tr[data-session-id="${demo!.id}"]`);
    await row.waitFor();
    await row.getByRole('link', { name: /^View / }).click();
    await page.waitForFunction(() => (document.querySelector('#live-screen .xterm-rows')?.textContent ?? '').includes('demo@demo-shell'), undefined, { timeout: 20_000 });
    const first = await screenText(page);
    // the scripted user types a key every fraction of a second, a command every few seconds
    await page.waitForFunction((before) => (document.querySelector('#live-screen .xterm-rows')?.textContent ?? '').replace(/\u00a0/g, ' ') !== before, first, { timeout: 30_000 });
    expect(await screenText(page)).not.toBe(first);
    expect(pageErrors).toEqual([]);
  });

  it('View on a simulated session of the demo agent says it has no live stream', async () => {
    const simulated = (await sessions()).find((s) => s.serviceProvider?.startsWith('simulated'));
    expect(simulated).toBeDefined();
    await page.goto(`/sessions/${simulated!.id}/live?mode=view`);
    const error = page.getByTestId('live-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/simulated session of the demo agent: it has no live stream/);
  });
});
