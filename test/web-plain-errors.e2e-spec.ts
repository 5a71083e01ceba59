import { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { ADMIN, TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';

/**
 * Errors in words a user understands, and the focus kept where the user was: after a failed
 * sign-in, after a dialog closes (back to its opener, or to the page when the opener is gone).
 * Issue 11's "Friction to remove". Needs the console bundle: `npm run build:web`.
 */
describe('plain errors and kept focus (Chromium)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let agent: string;
  const pages = new ConsolePages(
    () => browser,
    () => gw.url,
  );

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    agent = await createAgent(gw);
    browser = await launchChromium();
  }, 60_000);
  afterEach(() => expect(pages.errors.splice(0)).toEqual([]));
  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await gw?.close();
  });

  const focused = (page: Page) => page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName ?? null, name: el?.getAttribute('name') ?? null, id: el?.id ?? null, label: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? null };
  });

  it('a failed sign-in says so and puts the focus back in the password field, its text selected', async () => {
    const page = await pages.open();
    await page.goto('/login');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong username or password.');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'password');
    const selection = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement;
      return { start: input.selectionStart, end: input.selectionEnd, length: input.value.length, describedBy: input.getAttribute('aria-describedby') };
    });
    expect(selection).toEqual({ start: 0, end: 'not-the-password'.length, length: 'not-the-password'.length, describedBy: 'login-error' });
    // typing now replaces the wrong password; the right one signs in
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a mangled link is answered in words, not "Validation failed (uuid is expected)"', async () => {
    const page = await pages.signedIn(ADMIN.username, ADMIN.password, { colorScheme: 'dark' });
    await page.goto('/access-logs/not-an-id');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('This address is not valid');
    expect(text).toContain('Check the link');
    expect(text).not.toContain('Validation failed');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a dialog gives the focus back to its opener on cancel, and to the page when the opener is gone', async () => {
    const open = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'admin', user: 'focus-user' })).expect(201);
    const page = await pages.signedIn(ADMIN.username, ADMIN.password);
    const row = page.locator(`tr[data-session-id="${open.body.id}"]`);
    const terminate = row.getByRole('button', { name: /Terminate/ });
    await terminate.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction((id) => document.activeElement?.closest('tr')?.getAttribute('data-session-id') === id, open.body.id);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByLabel(/Reason/).fill('focus test');
    await dialog.getByRole('button', { name: /Terminate/ }).click();
    await row.waitFor({ state: 'detached' });
    // the row and its button are gone: the focus is on the page's main region, not lost on <body>
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    expect((await focused(page)).tag).toBe('MAIN');
  });
});
