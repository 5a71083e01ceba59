/**
 * The sessions page in Chromium: its columns at a laptop's 1366 px and at 800 px (issue 11,
 * defect 6), and the page's state kept in the URL, filter chips, CSV, durations and the live link.
 *
 * Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parseCsv } from '../apps/web/src/sessions/csv-export';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { ADMIN, TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Layout {
  /** the table region's scroll geometry */
  scrollWidth: number;
  clientWidth: number;
  wrap: Box;
  actions: Box;
  headers: { id: string; box: Box }[];
}

/** Runs in the page: the boxes of the header cells, the sticky Actions header and the table region. */
const READ_LAYOUT = `(() => {
  const table = document.querySelector('table.sessions-table');
  const wrap = table.closest('.table-wrap');
  const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
  const ths = [...table.querySelectorAll('thead th')];
  const actions = ths.find((th) => th.classList.contains('actions'));
  return {
    scrollWidth: wrap.scrollWidth,
    clientWidth: wrap.clientWidth,
    wrap: box(wrap),
    actions: box(actions),
    headers: ths.filter((th) => th !== actions).map((th) => ({ id: th.getAttribute('data-column-id') || th.className, box: box(th) })),
  };
})()`;

/** Horizontal overlap of two boxes, px (a pixel of rounding allowed). */
const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left) - 1);

describe('sessions page (Chromium)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let agent: string;
  const pages = new ConsolePages(
    () => browser,
    () => gw.url,
  );

  const openSession = async (overrides: Record<string, unknown>) => {
    const res = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload(overrides)).expect(201);
    return res.body as { id: string };
  };

  const ids: Record<string, string> = {};
  /** the users of the rows shown, in order */
  const shownUsers = (page: Page) =>
    page.evaluate<string[]>(`[...document.querySelectorAll('table.sessions-table tbody tr[data-session-id]')].map((tr) => tr.children[0].textContent.trim())`);
  const waitForUsers = async (page: Page, users: string[]) => {
    await page.waitForFunction(
      (want) => JSON.stringify(Array.from(document.querySelectorAll('table.sessions-table tbody tr[data-session-id]')).map((tr) => tr.children[0].textContent!.trim())) === want,
      JSON.stringify(users),
      { timeout: 10_000 },
    ).catch(async () => expect(await shownUsers(page)).toEqual(users));
  };
  const query = (page: Page) => new URL(page.url()).searchParams;

  const layout = (page: Page) => page.evaluate<Layout>(READ_LAYOUT);

  const sessionsPage = async (options: { width?: number; colorScheme?: 'light' | 'dark'; as?: { username: string; password: string } } = {}) => {
    const who = options.as ?? { username: 'alice', password: 'alice-password' };
    const page = await pages.signedIn(who.username, who.password, { timeoutMs: 15_000, ...options });
    await page.locator('table.sessions-table tbody tr[data-session-id]').first().waitFor();
    return page;
  };

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    agent = await createAgent(gw);
    await createUser(gw, 'alice', ['owner']);
    browser = await launchChromium();
    // realistic, long-ish values: the widest the default columns usually get
    ids.margaret = (await openSession({
      user: 'margaret.hamilton',
      device: '192.168.100.254',
      client: 'srv-accounting-db-01.corp.example.com',
      type: 'PAM_SSH',
      port: 22,
      serviceUrl: 'ssh://srv-accounting-db-01.corp.example.com:22',
      accountName: 'svc-backup-operator',
      serviceProvider: 'corp-idp-europe-west',
      owner: 'alice',
      startDate: new Date(Date.now() - 3 * 3600_000 - 125_000).toISOString(),
    })).id;
    ids.jdoe = (await openSession({ user: 'jdoe', client: 'crm.example.com', type: 'WebSSO', port: 443, serviceUrl: 'https://crm.example.com/login', owner: 'alice', startDate: new Date(Date.now() - 600_000).toISOString() })).id;
    ids.kim = (await openSession({ user: 'kim', client: 'srv-hr-07', type: 'PAM_RDP', port: 3389, serviceUrl: 'rdp://srv-hr-07:3389', owner: 'alice', startDate: new Date(Date.now() - 42_000).toISOString() })).id;
  }, 120_000);

  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await gw?.close();
  });

  describe('columns (defect 6)', () => {
    it('fits the default columns at 1366 px: no scrolling needed, no header under the sticky Actions column', async () => {
      // the admin: every action a row can offer, so the widest Actions column
      const page = await sessionsPage({ width: 1366, as: ADMIN });
      const l = await layout(page);
      expect(l.headers.map((h) => h.id)).toEqual(expect.arrayContaining(['user', 'type', 'status', 'duration', 'watchers']));
      expect(l.scrollWidth).toBeLessThanOrEqual(l.clientWidth);
      for (const h of l.headers) {
        expect({ id: h.id, overlap: overlap(h.box, l.actions) }).toEqual({ id: h.id, overlap: 0 });
        expect({ id: h.id, inside: h.box.left >= l.wrap.left - 1 && h.box.right <= l.wrap.right + 1 }).toEqual({ id: h.id, inside: true });
      }
      expect(await page.getByTestId('scroll-hint').count()).toBe(0);
    });

    it('scrolls the table at 800 px with a visible scrollbar, and every column can be scrolled clear of the Actions column', async () => {
      const page = await sessionsPage({ width: 800, as: ADMIN });
      const first = await layout(page);
      expect(first.scrollWidth).toBeGreaterThan(first.clientWidth);
      // the region scrolls; the scrollbar is styled to stay drawn, but a browser that hides scrollbars
      // (headless Chromium here, overlay scrollbars elsewhere) still shows the hint, with buttons
      expect(await page.evaluate<string>('getComputedStyle(document.querySelector(".table-wrap")).overflowX')).toBe('auto');
      await page.getByTestId('scroll-hint').waitFor();
      const scrollLeft = () => page.evaluate<number>('document.querySelector(".table-wrap").scrollLeft');
      expect(await scrollLeft()).toBe(0);
      await page.getByRole('button', { name: 'Scroll right' }).click();
      await page.waitForFunction(() => (document.querySelector('.table-wrap') as HTMLElement).scrollLeft > 50);
      await page.getByRole('button', { name: 'Scroll left' }).click();
      await page.waitForFunction(() => (document.querySelector('.table-wrap') as HTMLElement).scrollLeft === 0);
      // the region fits the window (the page does not push it off screen); only the table scrolls in it
      expect(first.wrap.right).toBeLessThanOrEqual(800);
      // nor does the top bar: its pages wrap instead of widening the page past the window
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
      const ids = first.headers.map((h) => h.id);
      expect(ids).toContain('type');
      for (const id of ids) {
        // scroll the region the way a user would, until the column is in view
        await page.evaluate(`(() => {
          const th = [...document.querySelectorAll('table.sessions-table thead th')].find((el) => (el.getAttribute('data-column-id') || el.className) === ${JSON.stringify(id)});
          const wrap = th.closest('.table-wrap');
          // measured from the boxes: a sticky header cell's offsetParent is not the table
          wrap.scrollLeft += th.getBoundingClientRect().left - wrap.getBoundingClientRect().left - wrap.clientLeft;
        })()`);
        const l = await layout(page);
        const h = l.headers.find((x) => x.id === id)!;
        const visibleRight = Math.min(l.wrap.right, l.actions.left);
        expect({ id, clear: h.box.left >= l.wrap.left - 1 && h.box.right <= visibleRight + 1 }).toEqual({ id, clear: true });
      }
    });
  });

  describe('state in the URL', () => {
    it('keeps sort and filter text in the URL: a reload and back/forward restore them', async () => {
      const page = await sessionsPage();
      // newest first by default
      await waitForUsers(page, ['kim', 'jdoe', 'margaret.hamilton']);
      const userHeader = page.locator('th[data-column-id="user"]');
      await userHeader.getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === 'user' && url.searchParams.get('dir') === 'asc');
      await waitForUsers(page, ['jdoe', 'kim', 'margaret.hamilton']);
      await page.getByLabel('Filter sessions').fill('srv-');
      await page.waitForURL((url) => url.searchParams.get('q') === 'srv-');
      await waitForUsers(page, ['kim', 'margaret.hamilton']);

      await page.reload();
      await page.locator('table.sessions-table tbody tr[data-session-id]').first().waitFor();
      await waitForUsers(page, ['kim', 'margaret.hamilton']);
      expect(await page.getByLabel('Filter sessions').inputValue()).toBe('srv-');
      expect(await userHeader.getAttribute('aria-sort')).toBe('ascending');

      // typing replaced the sorted entry; back returns to the default view, forward to the filtered one
      await page.goBack();
      await waitForUsers(page, ['kim', 'jdoe', 'margaret.hamilton']);
      expect(await page.getByLabel('Filter sessions').inputValue()).toBe('');
      expect(await userHeader.getAttribute('aria-sort')).toBe('none');
      await page.goForward();
      await waitForUsers(page, ['kim', 'margaret.hamilton']);
      expect(await page.getByLabel('Filter sessions').inputValue()).toBe('srv-');
    });

    it('filters with removable chips (type, status, user, owner, target), kept in the URL', async () => {
      const page = await sessionsPage();
      await waitForUsers(page, ['kim', 'jdoe', 'margaret.hamilton']);
      await page.getByLabel('Filter on').selectOption('type');
      await page.getByLabel('Type to show').selectOption('PAM_RDP');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await waitForUsers(page, ['kim']);
      expect(query(page).getAll('type')).toEqual(['PAM_RDP']);
      // a second value of the same field widens (OR); another field narrows (AND)
      await page.getByLabel('Type to show').selectOption('PAM_SSH');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await waitForUsers(page, ['kim', 'margaret.hamilton']);
      await page.getByLabel('Filter on').selectOption('target');
      await page.getByLabel('Target to show').selectOption('corp-idp-europe-west');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await waitForUsers(page, ['margaret.hamilton']);
      expect(query(page).get('target')).toBe('corp-idp-europe-west');
      expect(await page.getByRole('list', { name: 'Filters in use' }).getByRole('listitem').allTextContents()).toEqual([
        'Type: PAM_RDP×',
        'Type: PAM_SSH×',
        'Target: corp-idp-europe-west×',
        'Clear filters',
      ]);

      await page.getByRole('button', { name: 'Remove filter Target: corp-idp-europe-west' }).click();
      await waitForUsers(page, ['kim', 'margaret.hamilton']);
      expect(query(page).get('target')).toBeNull();
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await waitForUsers(page, ['kim', 'jdoe', 'margaret.hamilton']);
      expect(await page.locator('[data-chip]').count()).toBe(0);

      // a link with chips opens filtered; status, user and owner chips work the same way
      await page.goto('/sessions?user=jdoe&status=Connected&owner=alice');
      await waitForUsers(page, ['jdoe']);
      expect(await page.locator('[data-chip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chip')))).toEqual([
        'status=Connected',
        'user=jdoe',
        'owner=alice',
      ]);
      await page.goto('/sessions?owner=bob');
      await page.getByText('No session matches the filter.').waitFor();
    });
  });

  describe('CSV', () => {
    it('exports the rows the filter shows, in the table order, with a dated file name (and says so on the button)', async () => {
      const page = await sessionsPage();
      await waitForUsers(page, ['kim', 'jdoe', 'margaret.hamilton']);
      expect(await page.getByRole('button', { name: /^Download CSV$/ }).count()).toBe(1);
      await page.goto('/sessions?q=srv-&sort=user&dir=desc');
      await waitForUsers(page, ['margaret.hamilton', 'kim']);
      const headers = await page.evaluate<string[]>(`[...document.querySelectorAll('thead th[data-column-id] .header-label')].map((e) => e.textContent.trim())`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV (2 shown)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^vigil-sessions-\d{4}-\d\d-\d\dT\d\d-\d\d\.csv$/);
      const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
      // the columns shown (the id the page asked for to pick the rows is gone again), the rows shown
      expect(csv[0]).toEqual(headers.map((h) => (h === 'Duration' ? 'Duration (s)' : h)));
      expect(csv.slice(1).map((cells) => cells[0])).toEqual(['margaret.hamilton', 'kim']);
      expect(csv[1][headers.indexOf('Client')]).toBe('srv-accounting-db-01.corp.example.com');
    });
  });

  describe('live link', () => {
    it('shows "Reconnecting…" within about 3 s of the gateway no longer answering, and "Live" again when it does', async () => {
      const page = await sessionsPage();
      await page.locator('[data-link-state="live"]').waitFor();
      // a frozen gateway: requests hang, the open socket stays open and silent
      await page.route('**/health', () => undefined);
      const frozeAt = Date.now();
      await page.locator('[data-link-state="reconnecting"]').filter({ hasText: 'Reconnecting…' }).waitFor({ timeout: 6000 });
      // the bound: 1 s between probes + 1.5 s waiting for an answer, with margin for a loaded machine
      expect(Date.now() - frozeAt).toBeLessThanOrEqual(4000);
      expect(await page.locator('[data-link-state="live"]').count()).toBe(0);
      await page.unroute('**/health');
      await page.locator('[data-link-state="live"]').waitFor({ timeout: 10_000 });
    });
  });

  describe('accessibility', () => {
    it.each(['light', 'dark'] as const)('has no axe violations in the %s theme, at 1366 px and at 800 px (with the scroll hint)', async (colorScheme) => {
      const wide = await sessionsPage({ colorScheme, as: ADMIN });
      expect(await accessibilityViolations(wide)).toEqual([]);
      const narrow = await sessionsPage({ colorScheme, width: 800, as: ADMIN });
      await narrow.getByTestId('scroll-hint').waitFor();
      expect(await accessibilityViolations(narrow)).toEqual([]);
    });
  });
});
