/**
 * Accessibility of every page of the web console, in both themes, checked by axe-core in Chromium
 * against WCAG 2.1 A and AA: labels, names, roles, contrast, landmarks, keyboard reachability.
 * The live shadow view and the recording player are checked in web-shadow.e2e-spec.ts (they need
 * a real SSH session).
 */
import { Browser, BrowserContext, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ADMIN, TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';

describe('web console accessibility (axe-core, WCAG 2.1 AA)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let endedId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    const agent = await createAgent(gw);
    const open = (overrides: Record<string, unknown>) =>
      gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: ADMIN.username, ...overrides })).expect(201);
    await open({ externalId: 'a11y-1', type: 'PAM_SSH', user: 'jdoe' });
    await open({ externalId: 'a11y-2', type: 'WebSSO', user: 'asmith', serviceUrl: 'https://intranet.example' });
    endedId = (await open({ externalId: 'a11y-3', type: 'CONSOLE', user: 'bking' })).body.id;
    await gw.http.post(`/api/agent/sessions/${endedId}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gw?.close();
  });

  const pageIn = async (colorScheme: 'light' | 'dark'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme, baseURL: gw.url });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no WCAG 2.1 AA violations on any page (${colorScheme} theme)`, async () => {
      const page = await pageIn(colorScheme);
      const found: Record<string, string[]> = {};
      const check = async (name: string) => {
        found[name] = await accessibilityViolations(page);
      };

      await page.goto('/login');
      await page.getByLabel('Username').waitFor();
      await check('login');
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await check('login with an error');

      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('table.sessions-table tbody tr').first().waitFor();
      await check('sessions');
      await page.getByRole('button', { name: 'Columns', exact: true }).click();
      await page.getByRole('list', { name: 'Shown columns' }).waitFor();
      await check('sessions with the column editor open');
      await page.getByRole('button', { name: /^Terminate / }).first().click();
      await page.getByRole('dialog', { name: 'Terminate session' }).waitFor();
      await check('terminate dialog');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });

      await page.goto('/access-logs');
      await page.locator(`tr[data-entry-id="${endedId}"], a[href="/access-logs/${endedId}"]`).first().waitFor();
      await check('access logs');

      await page.goto(`/access-logs/${endedId}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await check('access-log entry');

      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((name) => [name, []])));
    });
  }
});
