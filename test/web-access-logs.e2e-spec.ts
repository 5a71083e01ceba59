/**
 * The access-log page in Chromium (issue 11, friction "Access logs"): prefix search on user and
 * target, the total count (an owner's own rows only), the column picker (persisted on the server,
 * focus kept in it after an edit), the "Recording" column and "with recording only", the dated CSV
 * of what the search matches, the From/To "active during" explanation, axe in both themes.
 *
 * Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { AccessLogService } from '@vigil/access-log';
import { parseCsv } from '../apps/web/src/sessions/csv-export';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { ADMIN, TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

const HOUR = 3600_000;
/** A datetime-local value (local time, to the minute) for an instant. */
const local = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe('access-log page (Chromium)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let agent: string;
  const ids: Record<string, string> = {};
  // whole minutes, so the datetime-local fields (to the minute) hit exact instants
  const base = Math.floor((Date.now() - 72 * HOUR) / 60_000) * 60_000;
  const pages = new ConsolePages(
    () => browser,
    () => gw.url,
  );

  const ended = async (key: string, overrides: Record<string, unknown>, [start, end]: [number, number], terminate?: string) => {
    const opened = await gw.http
      .post('/api/agent/sessions')
      .auth(agent, { type: 'bearer' })
      .send(sessionPayload({ type: 'CONSOLE', serviceProvider: null, startDate: new Date(base + start * HOUR).toISOString(), ...overrides }))
      .expect(201);
    if (terminate) {
      await gw.http.post(`/api/sessions/${opened.body.id}/terminate`).auth(gw.adminToken, { type: 'bearer' }).send({ reason: terminate }).expect(202);
    } else {
      await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({ endDate: new Date(base + end * HOUR).toISOString() }).expect(200);
    }
    ids[key] = opened.body.id as string;
  };

  /** alice's access-log page, loaded (rows shown). */
  const accessLogs = async (path = '/access-logs', options: { colorScheme?: 'light' | 'dark'; as?: { username: string; password: string } } = {}) => {
    const who = options.as ?? { username: 'alice', password: 'alice-password' };
    const page = await pages.signedIn(who.username, who.password, { timeoutMs: 15_000, colorScheme: options.colorScheme });
    await page.goto(path);
    await page.getByRole('heading', { name: 'Access logs', level: 1 }).waitFor();
    await page.locator('tbody tr[data-entry-id]').first().waitFor();
    return page;
  };
  const shownIds = (page: Page) => page.locator('tbody tr[data-entry-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry-id')));
  const waitForRows = async (page: Page, keys: string[]) => {
    const want = keys.map((k) => ids[k]).sort();
    await page
      .waitForFunction(
        (w) => JSON.stringify(Array.from(document.querySelectorAll('tbody tr[data-entry-id]')).map((r) => r.getAttribute('data-entry-id')).sort()) === w,
        JSON.stringify(want),
        { timeout: 10_000 },
      )
      .catch(async () => expect((await shownIds(page)).sort()).toEqual(want));
  };
  const headers = (page: Page) => page.locator('thead th').allTextContents();
  const total = (page: Page) => page.getByTestId('access-log-total').textContent();
  const focusedLabel = (page: Page) => page.evaluate<string | null>('document.activeElement && (document.activeElement.getAttribute("aria-label") || document.activeElement.textContent)');

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    agent = await createAgent(gw);
    await createUser(gw, 'alice', ['owner']);
    await createUser(gw, 'bob', ['owner']);
    await ended('smith', { user: 'alice.smith', owner: 'alice', client: 'db-01' }, [0, 1], 'maintenance window INC-77');
    await ended('alina', { user: 'Alina', owner: 'alice', client: 'web-01' }, [2, 3]);
    await ended('malik', { user: 'malik', owner: 'alice', client: 'app-01' }, [4, 5]);
    await ended('long', { user: 'carol', owner: 'alice', client: 'ops-01' }, [6, 30]);
    // bob's, which alice's prefix and target would match: never shown to her, never counted
    await ended('bobs', { user: 'alister', owner: 'bob', client: 'db-02' }, [8, 9]);
    await gw.app.get(AccessLogService).attachRecording(ids.alina, '2025/01/01/alina.cast', 'a'.repeat(64));
    browser = await launchChromium();
  }, 120_000);

  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await gw?.close();
  });

  it("searches user and target by prefix, and counts the owner's own entries only", async () => {
    const page = await accessLogs();
    await waitForRows(page, ['smith', 'alina', 'malik', 'long']);
    await expect(total(page)).resolves.toBe('4 entries match');

    await page.getByLabel('How User matches').selectOption('prefix');
    await page.getByLabel('User', { exact: true }).fill('ALI');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('userMatch') === 'prefix' && url.searchParams.get('user') === 'ALI');
    await waitForRows(page, ['smith', 'alina']);
    await expect(total(page)).resolves.toBe('2 entries match');

    // the search survives a reload, mode included
    await page.reload();
    await waitForRows(page, ['smith', 'alina']);
    await expect(page.getByLabel('How User matches').inputValue()).resolves.toBe('prefix');

    await page.goto('/access-logs?target=db-&targetMatch=prefix');
    await waitForRows(page, ['smith']);
    await expect(total(page)).resolves.toBe('1 entry match');
    // an attacker's % is a literal %: nothing starts with it
    await page.goto('/access-logs?user=%25&userMatch=prefix');
    await page.getByText('No access-log entry matches.').waitFor();
    await expect(total(page)).resolves.toBe('0 entries match');
    // the free text reaches the termination message
    await page.goto('/access-logs?q=INC-77');
    await waitForRows(page, ['smith']);
  });

  it('explains that From/To mean "active during", and finds a session that spans the range', async () => {
    const page = await accessLogs();
    const hint = page.locator('#range-hint');
    await expect(hint.textContent()).resolves.toMatch(/active during the range: one that started before From and ended after it is\s+included/);
    for (const field of ['From', 'To']) {
      await expect(page.getByLabel(field, { exact: true }).getAttribute('aria-describedby')).resolves.toContain('range-hint');
    }
    // carol's session ran from +6 h to +30 h, alice.smith's from +0 h until it was terminated (now):
    // a window inside both finds both, and none of those that ended before it
    await page.getByLabel('From', { exact: true }).fill(local(base + 10 * HOUR));
    await page.getByLabel('To', { exact: true }).fill(local(base + 12 * HOUR));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has('from'));
    await waitForRows(page, ['long', 'smith']);
  });

  it('shows whether each entry has a recording, and filters to those that do', async () => {
    const page = await accessLogs();
    await expect(headers(page)).resolves.toContain('Recording');
    const recording = (key: string) => page.locator(`tr[data-entry-id="${ids[key]}"] td[data-column-id="recording"]`).textContent();
    await expect(recording('alina')).resolves.toBe('Recorded');
    await expect(recording('malik')).resolves.toBe('No');
    await page.getByLabel('With recording only').check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('hasRecording') === 'true');
    await waitForRows(page, ['alina']);
  });

  it('picks columns: hide and show one, focus stays in the picker, the choice survives a reload', async () => {
    const page = await accessLogs();
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/me/access-log-columns') && r.request().method() === 'PUT' && r.ok());
    await page.getByRole('button', { name: 'Columns', exact: true }).click();
    const editor = page.locator('#access-log-column-editor');
    await editor.waitFor();

    let put = saved();
    await editor.getByRole('button', { name: 'Remove End reason' }).click();
    await put;
    expect(await headers(page)).not.toContain('End reason');
    // the removed column's Add button has the focus: Enter puts it back
    await expect(focusedLabel(page)).resolves.toBe('Add End reason');

    put = saved();
    await editor.getByRole('button', { name: 'Add Session ID' }).click();
    await put;
    await expect(focusedLabel(page)).resolves.toBe('Remove Session ID');
    expect((await headers(page)).at(-1)).toBe('Session ID');

    put = saved();
    await editor.getByRole('button', { name: 'Move Session ID left' }).click();
    await put;
    await expect(focusedLabel(page)).resolves.toBe('Move Session ID left');
    const chosen = await headers(page);
    expect(chosen.slice(-2)).toEqual(['Session ID', 'Recording']);

    await page.reload();
    await page.locator('tbody tr[data-entry-id]').first().waitFor();
    await expect(headers(page)).resolves.toEqual(chosen);
    // bob's page keeps the defaults
    const bobs = await accessLogs('/access-logs', { as: { username: 'bob', password: 'bob-password' } });
    await expect(headers(bobs)).resolves.toContain('End reason');
    await expect(headers(bobs)).resolves.not.toContain('Session ID');
    await expect(shownIds(bobs)).resolves.toEqual([ids.bobs]);

    await page.getByRole('button', { name: 'Columns', exact: true }).click();
    put = saved();
    await page.getByRole('button', { name: 'Reset to default' }).click();
    await put;
    await expect(focusedLabel(page)).resolves.toBe('Reset to default');
    await expect(headers(page)).resolves.toContain('End reason');
  });

  it('downloads a dated CSV of every matching entry: shown columns plus session id, target and end message', async () => {
    const page = await accessLogs('/access-logs?user=ali&userMatch=prefix');
    await waitForRows(page, ['smith', 'alina']);
    await expect(page.locator('#csv-hint').textContent()).resolves.toContain('session ID, target and end message');
    const shown = await headers(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^vigil-access-logs-\d{4}-\d\d-\d\dT\d\d-\d\d\.csv$/);
    const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    const header = csv[0];
    // the table's headers, the duration with its unit, then what a follow-up needs
    expect(header).toEqual([...shown.map((h) => (h === 'Duration' ? 'Duration (s)' : h)), 'Session ID', 'Target', 'End message']);
    const rows = csv.slice(1);
    expect(rows.map((r) => r[header.indexOf('Session ID')]).sort()).toEqual([ids.smith, ids.alina].sort());
    const smith = rows.find((r) => r[header.indexOf('Session ID')] === ids.smith)!;
    expect(smith[header.indexOf('Target')]).toBe('db-01');
    expect(smith[header.indexOf('End message')]).toBe('maintenance window INC-77');
    expect(smith[header.indexOf('Duration (s)')]).toMatch(/^\d+$/);
    expect(rows.find((r) => r[header.indexOf('Session ID')] === ids.alina)![header.indexOf('Recording')]).toBe('complete');
  });

  it.each(['light', 'dark'] as const)('has no axe violations in the %s theme (with the column picker open)', async (colorScheme) => {
    const page = await accessLogs('/access-logs', { colorScheme });
    await page.getByRole('button', { name: 'Columns', exact: true }).click();
    await page.locator('#access-log-column-editor').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // with the range error showing, and as the admin (every owner's rows)
    const admin = await accessLogs('/access-logs', { colorScheme, as: ADMIN });
    await admin.getByLabel('From', { exact: true }).fill('2020-01-01T00:00');
    await admin.getByLabel('To', { exact: true }).fill('2019-01-01T00:00');
    await admin.getByRole('alert').filter({ hasText: 'must not be after' }).waitFor();
    expect(await accessibilityViolations(admin)).toEqual([]);
  });
});
