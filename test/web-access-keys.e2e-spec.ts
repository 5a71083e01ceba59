/**
 * The access-keys page of the web console in Debian's Chromium: a user creates a key with the
 * keyboard alone, copies the secret (shown once), signs real SSM calls with it through
 * @aws-sdk/client-ssm, deactivates it in the browser (the SDK is refused at once), activates it,
 * deletes it after a confirmation; an admin sees a user's keys. axe-core checks every state in
 * both themes. Build the console first: npm run build:web.
 */
import { DescribeSessionsCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { REGION } from './support/ssm-clients';
import { ADMIN, TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

/** What the SDK gets for a DescribeSessions with the key: the number of sessions, or the AWS error. */
const describeWith = (gw: TestGateway, key: { accessKeyId: string; secretAccessKey: string }) => {
  const client = new SSMClient({ endpoint: gw.url, region: REGION, credentials: key, maxAttempts: 1 });
  return client.send(new DescribeSessionsCommand({ State: 'Active' })).then(
    (answer) => `ok: ${answer.Sessions?.length} session(s)`,
    (e: SSMServiceException) => `${e.name} ${e.$metadata?.httpStatusCode}`,
  ).finally(() => client.destroy());
};

describe('web console: access keys', () => {
  let gw: TestGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    await createUser(gw, 'kim');
    const agent = await createAgent(gw);
    await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'kim' })).expect(201);
    await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'someone-else' })).expect(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gw?.close();
  });

  const signedIn = async (username: string, password: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme, baseURL: gw.url });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    return page;
  };
  const focused = (page: Page) => page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    const name = el?.getAttribute('aria-label') ?? el?.labels?.[0]?.querySelector('span')?.textContent ?? el?.textContent?.trim() ?? '';
    return el ? `${el.tagName.toLowerCase()}:${name}` : null;
  });
  const row = (page: Page, id: string) => page.locator(`tr[data-access-key-id="${id}"]`);

  it('creates a key with the keyboard, shows its secret once, and the SDK signs with it until it is deactivated or deleted', async () => {
    const page = await signedIn('kim', 'kim-password');
    await page.getByRole('link', { name: 'Access keys' }).click();
    await page.getByRole('heading', { name: 'Access keys', level: 1 }).waitFor();
    await page.getByText('No access keys yet.').waitFor();
    const violations: Record<string, string[]> = { list: await accessibilityViolations(page) };

    // keyboard only: into the description, type, Enter
    await page.getByLabel('Description (optional)').focus();
    await page.keyboard.type('laptop CLI');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New access key' });
    await dialog.waitFor();
    await dialog.getByText('it won’t be shown again').waitFor();
    violations['new key dialog'] = await accessibilityViolations(page);
    const accessKeyId = await dialog.getByLabel('Access key ID').inputValue();
    const secretAccessKey = await dialog.getByLabel('Secret access key').inputValue();
    expect(accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(secretAccessKey.length).toBeGreaterThanOrEqual(40);
    // the modal holds the keyboard: Tab stays inside it, to the copy button of the secret
    for (let i = 0; i < 10 && (await focused(page)) !== 'button:Copy secret access key'; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Copy secret access key');
    await page.keyboard.press('Enter');
    await dialog.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secretAccessKey);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // back where the keyboard was when the dialog opened
    expect(await focused(page)).toBe('input:Description (optional)');

    // shown once: gone from the page, and no answer of the API has it again
    expect(await page.content()).not.toContain(secretAccessKey);
    await page.reload();
    await row(page, accessKeyId).waitFor();
    expect(await page.content()).not.toContain(secretAccessKey);
    await expect(row(page, accessKeyId).innerText()).resolves.toMatch(/laptop CLI\s+Active\s+.+\s+Never/);
    violations['list with a key'] = await accessibilityViolations(page);

    // the key works with the real SDK, as kim (kim's session only)
    const key = { accessKeyId, secretAccessKey };
    await expect(describeWith(gw, key)).resolves.toBe('ok: 1 session(s)');
    // its last use is recorded just after the answer: reload until the page shows it
    for (let i = 0; i < 50 && (await row(page, accessKeyId).innerText()).includes('Never'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.reload();
      await row(page, accessKeyId).waitFor();
    }
    await expect(row(page, accessKeyId).innerText()).resolves.not.toContain('Never');

    // deactivated in the browser → refused at once; activated again → accepted
    await page.getByRole('button', { name: `Deactivate ${accessKeyId}` }).click();
    await page.getByRole('status').filter({ hasText: `Access key ${accessKeyId} deactivated.` }).waitFor();
    await row(page, accessKeyId).getByText('Inactive').waitFor();
    await expect(describeWith(gw, key)).resolves.toBe('UnrecognizedClientException 400');
    await page.getByRole('button', { name: `Activate ${accessKeyId}` }).click();
    await row(page, accessKeyId).getByText('Active', { exact: true }).waitFor();
    await expect(describeWith(gw, key)).resolves.toBe('ok: 1 session(s)');

    // deleted after a confirmation; Cancel keeps it
    await page.getByRole('button', { name: `Delete ${accessKeyId}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete access key' });
    await confirm.waitFor();
    violations['delete dialog'] = await accessibilityViolations(page);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect(describeWith(gw, key)).resolves.toBe('ok: 1 session(s)');
    await page.getByRole('button', { name: `Delete ${accessKeyId}` }).click();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await row(page, accessKeyId).waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('h1:Access keys');
    await expect(describeWith(gw, key)).resolves.toBe('UnrecognizedClientException 400');

    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });

  it('an admin sees whose key each one is, and one user’s keys on request; dark theme included', async () => {
    const kim = await signedIn('kim', 'kim-password');
    await kim.goto('/access-keys');
    await kim.getByLabel('Description (optional)').fill('for the admin to see');
    await kim.getByRole('button', { name: 'Create access key' }).click();
    const kimsKey = await kim.getByRole('dialog', { name: 'New access key' }).getByLabel('Access key ID').inputValue();
    // a non-admin has no way to ask for someone else's keys
    await expect(kim.getByRole('search', { name: 'Whose keys' }).count()).resolves.toBe(0);

    const admin = await signedIn(ADMIN.username, ADMIN.password, 'dark');
    await admin.goto('/access-keys');
    await row(admin, kimsKey).waitFor();
    await expect(row(admin, kimsKey).innerText()).resolves.toContain('kim');
    await admin.getByLabel('Description (optional)').fill('admin key');
    await admin.getByRole('button', { name: 'Create access key' }).click();
    await admin.getByRole('dialog', { name: 'New access key' }).waitFor();
    const violations: Record<string, string[]> = { 'new key dialog (dark)': await accessibilityViolations(admin) };
    await admin.getByRole('button', { name: 'Done, I have copied it' }).click();
    await expect(admin.locator('tr[data-access-key-id]').count()).resolves.toBe(2);
    await admin.getByRole('button', { name: `Delete ${kimsKey}` }).click();
    await admin.getByRole('dialog', { name: 'Delete access key' }).getByText('of kim?').waitFor();
    violations['delete dialog (dark)'] = await accessibilityViolations(admin);
    await admin.keyboard.press('Escape');
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await admin.getByRole('searchbox', { name: 'User' }).fill('kim');
    await admin.keyboard.press('Enter');
    // exact: "Loading keys of kim…" contains the words too, and is on screen while the old list still is
    await admin.getByText('Keys of kim', { exact: true }).waitFor();
    await expect(admin.locator('tr[data-access-key-id]').count()).resolves.toBe(1);
    await row(admin, kimsKey).waitFor();
    violations['one user’s keys (dark)'] = await accessibilityViolations(admin);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });
});
