/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against the
 * gateway booted in-process (which serves the built console from dist/web).
 *
 * Build the console first: npm run build:web. Screenshots go to docs/screenshots only with
 * VIGIL_SCREENSHOTS=1 (otherwise to a temporary directory).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { screenshotDir } from './support/screenshot-dir';
import { ADMIN, TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { parseCsv } from '../apps/web/src/sessions/csv-export';

const SCREENSHOTS = screenshotDir();

interface Session {
  id: string;
  user: string;
  client: string;
  owner: string;
  startDate: string;
}

interface TableCell {
  text: string;
  datetime: string | null;
  seconds: string | null;
}

interface SessionsTable {
  columnIds: string[];
  headers: string[];
  rows: { id: string; cells: TableCell[] }[];
}

/** Runs in the page: the data columns (not Watching/Actions) and their cells, row by row. */
const READ_SESSIONS_TABLE = `(() => {
  const table = document.querySelector('table.sessions-table');
  if (!table) return null;
  const ths = [...table.querySelectorAll('thead th[data-column-id]')];
  const n = ths.length;
  return {
    columnIds: ths.map((th) => th.getAttribute('data-column-id')),
    headers: ths.map((th) => th.querySelector('.header-label').textContent.trim()),
    rows: [...table.querySelectorAll('tbody tr')].map((tr) => ({
      id: tr.getAttribute('data-session-id'),
      cells: [...tr.children].slice(0, n).map((td) => ({
        text: td.textContent.trim(),
        datetime: td.querySelector('time') ? td.querySelector('time').getAttribute('datetime') : null,
        seconds: td.getAttribute('data-seconds'),
      })),
    })),
  };
})()`;

describe('web console (Chromium)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let agent: string;
  let aliceToken: string;
  const contexts: BrowserContext[] = [];
  /** alice's main page, kept open across tests to prove live updates need no reload */
  let alicePage: Page;
  const sessions: Record<string, Session> = {};

  const openSession = async (overrides: Record<string, unknown>): Promise<Session> => {
    const res = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload(overrides)).expect(201);
    return res.body as Session;
  };
  const endSession = (id: string, body: Record<string, unknown> = {}) =>
    gw.http.post(`/api/agent/sessions/${id}/end`).auth(agent, { type: 'bearer' }).send(body).expect(200);

  const newPage = async (options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 }, // a laptop screen
      acceptDownloads: true,
      colorScheme: options.colorScheme ?? 'light',
      baseURL: gw.url,
    });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };

  const signIn = async (page: Page, username: string, password = `${username}-password`) => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page.locator('table.sessions-table').waitFor();
  };

  const readTable = async (page: Page): Promise<SessionsTable> => {
    const table = await page.evaluate<SessionsTable | null>(READ_SESSIONS_TABLE);
    if (!table) throw new Error('no sessions table on the page');
    return table;
  };

  const row = (page: Page, id: string) => page.locator(`tr[data-session-id="${id}"]`);
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS.dir, name), fullPage: true });

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    agent = await createAgent(gw);
    aliceToken = await createUser(gw, 'alice', ['owner']);
    await createUser(gw, 'bob', ['owner']);
    browser = await launchChromium();
    sessions.jdoe = await openSession({ owner: 'alice', user: 'jdoe', client: 'srv-db-01', startDate: new Date(Date.now() - 3725_000).toISOString() });
    sessions.mallory = await openSession({ owner: 'bob', user: 'mallory', client: 'srv-hr-07', type: 'PAM_RDP', port: 3389, serviceUrl: 'rdp://srv-hr-07:3389' });
    sessions.ops = await openSession({
      owner: 'alice',
      user: 'ops, "night" shift',
      client: 'crm.example.com',
      type: 'WebSSO',
      port: 443,
      serviceUrl: 'https://crm.example.com/login',
      accountName: '=HYPERLINK("http://x")', // formula-looking: the server's CSV defuses it with a quote
      serviceProvider: 'corp-idp',
      startDate: new Date(Date.now() - 65_000).toISOString(),
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gw?.close();
    SCREENSHOTS.cleanup();
  });

  it('sends a signed-out visitor to sign in, refuses a wrong password, then opens the sessions page', async () => {
    alicePage = await newPage();
    await alicePage.goto('/');
    await alicePage.waitForURL((url) => url.pathname === '/login');
    const focused = await alicePage.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("name")');
    expect(focused).toBe('username');
    await shoot(alicePage, 'login.png');

    await alicePage.getByLabel('Username').fill('alice');
    await alicePage.getByLabel('Password').fill('not-her-password');
    await alicePage.getByRole('button', { name: 'Sign in' }).click();
    await expect(alicePage.getByRole('alert').textContent()).resolves.toContain('Wrong username or password');
    expect(new URL(alicePage.url()).pathname).toBe('/login');

    await alicePage.getByLabel('Password').fill('alice-password');
    await alicePage.keyboard.press('Enter');
    await alicePage.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(new URL(alicePage.url()).pathname).toBe('/sessions');
    await alicePage.locator('[data-link-state="live"]').waitFor();
  });

  it("lists the owner's open sessions with the 12 default columns and a live duration", async () => {
    await row(alicePage, sessions.jdoe.id).waitFor();
    const table = await readTable(alicePage);
    expect(table.headers).toEqual([
      'User',
      'Device',
      'Client',
      'Start date',
      'Type',
      'Port',
      'Service URL',
      'Account name',
      'Service provider',
      'Owner',
      'Status',
      'Duration',
    ]);
    expect(table.rows.map((r) => r.id).sort()).toEqual([sessions.jdoe.id, sessions.ops.id].sort());
    const jdoe = table.rows.find((r) => r.id === sessions.jdoe.id)!;
    expect(jdoe.cells[0].text).toBe('jdoe');
    expect(jdoe.cells[3].datetime).toBe(sessions.jdoe.startDate);
    expect(jdoe.cells[11].text).toMatch(/^1h 02m \d\ds$/);

    const duration = row(alicePage, sessions.ops.id).locator('td[data-seconds]');
    const before = Number(await duration.getAttribute('data-seconds'));
    // a function, not a string: the console's CSP (no 'unsafe-eval') forbids the page to eval a string predicate
    await alicePage.waitForFunction(
      ([id, min]) => Number(document.querySelector(`tr[data-session-id="${id}"] td[data-seconds]`)?.getAttribute('data-seconds')) >= (min as number),
      [sessions.ops.id, before + 2] as const,
      { timeout: 5000 },
    );
    expect(before).toBeGreaterThanOrEqual(64);
  });

  it('adds a newly opened session and drops an ended one live, without reloading, and announces both', async () => {
    await alicePage.evaluate('window.__sameDocument = true');
    sessions.kim = await openSession({ owner: 'alice', user: 'kim', client: 'srv-web-02', accountName: 'deploy' });
    await row(alicePage, sessions.kim.id).waitFor();
    await expect(alicePage.locator('#sessions-live').textContent()).resolves.toContain('Session opened: kim → deploy@corp-idp');
    // the new row is highlighted for a few seconds, the others are not
    await expect(row(alicePage, sessions.kim.id).getAttribute('data-appeared')).resolves.toBe('true');
    await expect(row(alicePage, sessions.ops.id).getAttribute('data-appeared')).resolves.toBeNull();
    await alicePage.locator(`tr[data-session-id="${sessions.kim.id}"]:not([data-appeared])`).waitFor({ timeout: 15_000 });

    await endSession(sessions.jdoe.id);
    await row(alicePage, sessions.jdoe.id).waitFor({ state: 'detached' });
    await expect(alicePage.locator('#sessions-live').textContent()).resolves.toContain('Session ended: jdoe → root@corp-idp');
    // the row that left is listed above the table for a moment, with its access-log entry
    const ended = alicePage.getByTestId('recently-ended').locator(`li[data-ended-session-id="${sessions.jdoe.id}"]`);
    await expect(ended.textContent()).resolves.toContain('Ended jdoe → root@corp-idp');
    await expect(ended.getByRole('link', { name: 'Access log entry' }).getAttribute('href')).resolves.toBe(`/access-logs/${sessions.jdoe.id}`);
    await ended.waitFor({ state: 'detached', timeout: 20_000 });
    await expect(alicePage.evaluate('window.__sameDocument')).resolves.toBe(true);
    await expect(alicePage.getByTestId('session-count').textContent()).resolves.toBe('2 open sessions');
  });

  it('sorts by a clicked header and filters by text', async () => {
    const userHeader = alicePage.locator('th[data-column-id="user"]');
    await userHeader.getByRole('button').click();
    await expect(userHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
    expect((await readTable(alicePage)).rows.map((r) => r.cells[0].text)).toEqual(['kim', 'ops, "night" shift']);
    await userHeader.getByRole('button').click();
    await expect(userHeader.getAttribute('aria-sort')).resolves.toBe('descending');
    expect((await readTable(alicePage)).rows.map((r) => r.cells[0].text)).toEqual(['ops, "night" shift', 'kim']);

    await alicePage.getByLabel('Filter sessions').fill('srv-web');
    await row(alicePage, sessions.ops.id).waitFor({ state: 'detached' });
    expect((await readTable(alicePage)).rows.map((r) => r.id)).toEqual([sessions.kim.id]);
    await alicePage.getByLabel('Filter sessions').fill('');
    await row(alicePage, sessions.ops.id).waitFor();
  });

  it("never shows an owner another owner's session, neither listed nor pushed live", async () => {
    await expect(row(alicePage, sessions.mallory.id).count()).resolves.toBe(0);
    const bobsNew = await openSession({ owner: 'bob', user: 'trent', client: 'srv-hr-08' });
    // socket.io keeps order per socket: once alice sees this later session, bob's would have arrived
    sessions.lee = await openSession({ owner: 'alice', user: 'lee', client: 'srv-app-03' });
    await row(alicePage, sessions.lee.id).waitFor();
    await expect(row(alicePage, bobsNew.id).count()).resolves.toBe(0);
    const users = (await readTable(alicePage)).rows.map((r) => r.cells[0].text);
    expect(users).not.toContain('mallory');
    expect(users).not.toContain('trent');
    // alice has neither shadow nor interact: no View / Interact, but she may terminate her own
    await expect(row(alicePage, sessions.lee.id).getByRole('link', { name: /^View / }).count()).resolves.toBe(0);
    await expect(row(alicePage, sessions.lee.id).getByRole('button', { name: /^Terminate / }).count()).resolves.toBe(1);

    const bob = await newPage();
    await signIn(bob, 'bob');
    await row(bob, bobsNew.id).waitFor();
    expect((await readTable(bob)).rows.map((r) => r.id).sort()).toEqual([sessions.mallory.id, bobsNew.id].sort());

    const admin = await newPage();
    await signIn(admin, ADMIN.username, ADMIN.password);
    await row(admin, sessions.mallory.id).waitFor();
    await row(admin, sessions.lee.id).waitFor();
    // an agent-reported session has no live stream in Vigil: no View / Interact (which could only
    // fail), and the row says why in words
    await expect(row(admin, sessions.lee.id).getByRole('link', { name: /^(View|Interact with) / }).count()).resolves.toBe(0);
    await expect(row(admin, sessions.lee.id).locator('[data-not-watchable]').textContent()).resolves.toContain('lee → root@corp-idp: Reported by another jump server');
    // a deep link to its live page explains it the same way instead of "session not found" and a blank terminal
    await admin.goto(`/sessions/${sessions.lee.id}/live?mode=view`);
    await expect(admin.locator('#live-screen').getAttribute('data-session-id')).resolves.toBe(sessions.lee.id);
    const title = admin.getByText('lee → root@corp-idp (PAM_SSH), owner alice');
    await title.waitFor();
    await expect(title.count()).resolves.toBe(1);
    await expect(admin.getByTestId('live-error').textContent()).resolves.toContain('Cannot watch this session: Reported by another jump server or gateway');
    await admin.goBack();
  });

  it('keeps removed and moved columns after a reload (stored on the server)', async () => {
    await alicePage.getByRole('button', { name: 'Columns', exact: true }).click();
    const saved = () => alicePage.waitForResponse((r) => r.url().endsWith('/api/me/session-columns') && r.request().method() === 'PUT' && r.ok());
    let put = saved();
    await alicePage.getByRole('button', { name: 'Remove Service provider' }).click();
    await put;
    put = saved();
    await alicePage.getByRole('button', { name: 'Move Owner left' }).click();
    await put;
    const expected = ['User', 'Device', 'Client', 'Start date', 'Type', 'Port', 'Service URL', 'Owner', 'Account name', 'Status', 'Duration'];
    expect((await readTable(alicePage)).headers).toEqual(expected);

    const stored = await gw.http.get('/api/me/session-columns').auth(aliceToken, { type: 'bearer' }).expect(200);
    expect(stored.body.columns).toEqual(['user', 'device', 'client', 'startDate', 'type', 'port', 'serviceUrl', 'owner', 'accountName', 'status', 'duration']);
    await shoot(alicePage, 'sessions-columns.png');

    await alicePage.reload();
    await alicePage.locator('table.sessions-table').waitFor();
    expect((await readTable(alicePage)).headers).toEqual(expected);
  });

  it('downloads a CSV with exactly the visible columns, in order, and the visible rows', async () => {
    await row(alicePage, sessions.kim.id).waitFor();
    // on a laptop screen the row actions stay in view even when the columns overflow
    const terminate = await row(alicePage, sessions.kim.id).getByRole('button', { name: /^Terminate / }).boundingBox();
    expect(terminate!.x + terminate!.width).toBeLessThanOrEqual(1366);
    await shoot(alicePage, 'sessions.png');
    const [download, csvRequest] = await Promise.all([
      alicePage.waitForEvent('download'),
      alicePage.waitForRequest((r) => r.url().includes('/api/sessions?format=csv')),
      alicePage.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^vigil-sessions-\d{4}-\d\d-\d\dT\d\d-\d\d\.csv$/);
    const table = await readTable(alicePage);
    // the columns are asked for explicitly, not left to the server's stored default
    expect(new URL(csvRequest.url()).searchParams.get('columns')).toBe(table.columnIds.join(','));
    const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));

    // the CSV's numbers carry their unit in the header (the table shows "1h 02m 03s")
    expect(csv[0]).toEqual(table.headers.map((h) => (h === 'Duration' ? 'Duration (s)' : h)));
    const body = csv.slice(1);
    expect(body).toHaveLength(table.rows.length);
    const durationAt = table.columnIds.indexOf('duration');
    // dates are ISO in the CSV (local in the table); the server defuses formula-like text with a quote
    const expectedCell = (cell: TableCell, column: string) => {
      if (column === 'startDate') return cell.datetime;
      return /^[=+\-@]/.test(cell.text) ? `'${cell.text}` : cell.text;
    };
    const key = (cells: (string | null)[]) => cells.filter((_, i) => i !== durationAt).join('\u0001');
    const shown = table.rows.map((r) => r.cells.map((c, i) => expectedCell(c, table.columnIds[i])));
    expect(body.map(key).sort()).toEqual(shown.map(key).sort());
    for (const r of table.rows) {
      const line = body.find((cells) => cells[0] === r.cells[0].text)!;
      expect(Math.abs(Number(line[durationAt]) - Number(r.cells[durationAt].seconds))).toBeLessThanOrEqual(3);
    }
    expect(body.map((cells) => cells[0]).sort()).toEqual(['kim', 'lee', 'ops, "night" shift']);
  });

  it('terminates a session only with a reason, and the row disappears', async () => {
    await row(alicePage, sessions.kim.id).getByRole('button', { name: 'Terminate kim → deploy@corp-idp' }).click();
    const dialog = alicePage.getByRole('dialog', { name: 'Terminate session' });
    await dialog.waitFor();
    // an agent-reported session: the dialog promises only what happens (the registry entry ends)
    await expect(dialog.textContent()).resolves.toContain('cannot close it or tell the user');
    await expect(dialog.textContent()).resolves.not.toContain('closed at once');
    const confirm = dialog.getByRole('button', { name: 'Terminate', exact: true });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/Reason/).fill('Unapproved change window');
    await expect(confirm.isDisabled()).resolves.toBe(false);
    await confirm.click();
    await row(alicePage, sessions.kim.id).waitFor({ state: 'detached' });
    await dialog.waitFor({ state: 'hidden' });
    const open = await gw.http.get('/api/sessions').auth(aliceToken, { type: 'bearer' }).expect(200);
    expect(open.body.items.map((s: Session) => s.id)).not.toContain(sessions.kim.id);
  });

  it('finds the terminated session in the access log and shows its end reason in the detail', async () => {
    await alicePage.getByRole('link', { name: 'Access logs' }).click();
    await alicePage.getByRole('heading', { name: 'Access logs', level: 1 }).waitFor();
    await alicePage.locator(`tr[data-entry-id="${sessions.jdoe.id}"]`).waitFor();
    await alicePage.getByLabel('User', { exact: true }).fill('kim');
    await alicePage.getByRole('button', { name: 'Search', exact: true }).click();
    await alicePage.waitForURL((url) => url.searchParams.get('user') === 'kim');
    const entry = alicePage.locator(`tr[data-entry-id="${sessions.kim.id}"]`);
    await entry.waitFor();
    await alicePage.locator(`tr[data-entry-id="${sessions.jdoe.id}"]`).waitFor({ state: 'detached' });
    await expect(entry.locator('.reason').textContent()).resolves.toBe('terminated');
    await expect(alicePage.locator('tbody tr').count()).resolves.toBe(1);
    await shoot(alicePage, 'access-logs.png');

    await entry.getByRole('link').click();
    await alicePage.waitForURL((url) => url.pathname === `/access-logs/${sessions.kim.id}`);
    await alicePage.getByRole('heading', { name: 'kim → deploy@corp-idp' }).waitFor();
    await expect(alicePage.locator('[data-field="endReason"] dd').textContent()).resolves.toContain('terminated');
    await expect(alicePage.locator('[data-field="endedBy"] dd').textContent()).resolves.toBe('alice');
    await expect(alicePage.locator('[data-field="accountName"] dd').textContent()).resolves.toBe('deploy');
    await expect(alicePage.locator('[data-field="id"] dd').textContent()).resolves.toBe(sessions.kim.id);
    await shoot(alicePage, 'access-log-detail.png');

    await alicePage.getByRole('link', { name: '← Access logs' }).click();
    await alicePage.waitForURL((url) => url.pathname === '/access-logs' && url.searchParams.get('user') === 'kim');
    await expect(alicePage.getByLabel('User', { exact: true }).inputValue()).resolves.toBe('kim');
  });

  it('pages the access log with Next / Previous and downloads the filtered CSV', async () => {
    const base = Date.now() - 600_000;
    for (let i = 0; i < 30; i++) {
      const startDate = new Date(base + i * 10_000).toISOString();
      const s = await openSession({ owner: 'alice', user: `pager-${String(i).padStart(2, '0')}`, client: 'srv-batch', type: 'CONSOLE', startDate });
      await endSession(s.id, { endDate: new Date(base + i * 10_000 + 5_000).toISOString() });
    }
    await alicePage.goto('/access-logs?q=pager');
    const users = () => alicePage.locator('tbody tr td:nth-child(4)').allTextContents();
    await alicePage.locator('tbody tr').nth(24).waitFor();
    const first = await users();
    expect(first).toHaveLength(25);
    expect(first[0]).toBe('pager-29');
    await expect(alicePage.getByRole('button', { name: '← Previous' }).isDisabled()).resolves.toBe(true);

    await alicePage.getByRole('button', { name: 'Next →' }).click();
    await alicePage.getByTestId('page-number').filter({ hasText: 'Page 2' }).waitFor();
    await alicePage.locator('tbody tr').nth(5).waitFor({ state: 'detached' });
    expect(await users()).toEqual(['pager-04', 'pager-03', 'pager-02', 'pager-01', 'pager-00']);
    await expect(alicePage.getByRole('button', { name: 'Next →' }).isDisabled()).resolves.toBe(true);

    await alicePage.getByRole('button', { name: '← Previous' }).click();
    await alicePage.getByTestId('page-number').filter({ hasText: 'Page 1' }).waitFor();
    await alicePage.locator('tbody tr').nth(24).waitFor();
    expect(await users()).toEqual(first);

    const [download] = await Promise.all([alicePage.waitForEvent('download'), alicePage.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    const headers = await alicePage.locator('thead th').allTextContents();
    // the access-log CSV adds the session ID, target and end message after the shown columns
    expect(csv[0]).toEqual([...headers.map((h) => (h === 'Duration' ? 'Duration (s)' : h)), 'Session ID', 'Target', 'End message']);
    expect(csv).toHaveLength(31);
    expect(csv.slice(1).every((cells) => cells[3].startsWith('pager-') && cells[8] === 'ended')).toBe(true);
  });

  it('remembers the chosen theme and otherwise follows the system preference', async () => {
    const html = alicePage.locator('html');
    await expect(html.getAttribute('data-theme')).resolves.toBe('light');
    await alicePage.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(html.getAttribute('data-theme')).resolves.toBe('dark');
    await alicePage.reload();
    await alicePage.getByRole('heading', { name: 'Access logs', level: 1 }).waitFor();
    await expect(html.getAttribute('data-theme')).resolves.toBe('dark');
    await alicePage.getByRole('link', { name: 'Sessions', exact: true }).click();
    await row(alicePage, sessions.lee.id).waitFor();
    await shoot(alicePage, 'sessions-dark.png');
    await alicePage.getByRole('button', { name: 'Switch to light theme' }).click();
    await expect(html.getAttribute('data-theme')).resolves.toBe('light');

    const darkSystem = await newPage({ colorScheme: 'dark' });
    await darkSystem.goto('/login');
    await darkSystem.getByLabel('Username').waitFor();
    await expect(darkSystem.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
  });
});
