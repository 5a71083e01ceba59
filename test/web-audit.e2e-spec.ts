/**
 * The audit pages of the web console in Debian's Chromium: who watched a real SSH session (an
 * admin attached over /live, took control, typed, handed back, left; alice then ended the
 * session), per session on its access-log entry and per user, with CSV; the audit trail filtered
 * by event name in the address bar, paged with nextToken, verified, exported; event rules created
 * from the console (pattern tested, secret shown once and checked against a real signed
 * delivery), dead letters redriven, disabled, deleted; and what a non-admin gets. axe-core checks
 * every page in the light and dark themes. Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { verifyWebhook } from '@vigil/events';
import { accessibilityViolations, launchChromium } from './support/browser';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, connectSocket, createUser, login, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';
import { readmeScreenshot } from './support/screenshot-dir';

interface Received {
  body: string;
  signature?: string;
  timestamp?: string;
  answered: number;
}

/** A webhook receiver on loopback that answers `status` (changeable) and keeps every request. */
async function startReceiver() {
  const received: Received[] = [];
  let status = 500;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: header('x-vigil-signature'), timestamp: header('x-vigil-timestamp'), answered: status });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    answer: (code: number) => void (status = code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('web console: audit trail, who watched, event rules (Chromium, real SSH)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let aliceToken: string;
  let malloryToken: string;
  let sessionId: string;
  const contexts: BrowserContext[] = [];
  const sockets: Socket[] = [];
  const processes: InteractiveProcess[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-audit');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    // deliveries polled often and given up after two attempts: a dead letter within the test
    gw = await startTestGateway('sqlite', { VIGIL_EVENTS_POLL_MS: '50', VIGIL_EVENTS_MAX_ATTEMPTS: '2', VIGIL_EVENTS_RETRY_BASE_MS: '20', VIGIL_EVENTS_RETRY_MAX_MS: '100' });
    aliceToken = await createUser(gw, 'alice');
    malloryToken = await createUser(gw, 'mallory');
    await gw.http.post('/api/me/ssh-keys').auth(aliceToken, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    receiver = await startReceiver();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await receiver?.close();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // no uncaught error in any page during the test
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const signedIn = async (username: string, password: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme, baseURL: gw.url });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    return page;
  };
  const asAdmin = (scheme: 'light' | 'dark' = 'light') => signedIn(ADMIN.username, ADMIN.password, scheme);
  const noViolations = (found: Record<string, string[]>) => expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  const downloadText = async (page: Page, click: () => Promise<void>) => {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return { name: download.suggestedFilename(), text: fs.readFileSync((await download.path())!, 'utf8') };
  };

  it("who watched: an admin's /live visit to alice's SSH session (take, type, hand back) shows on the ended entry and per user, with CSV", async () => {
    const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    processes.push(user);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2', 20_000);
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).expect(200);
    sessionId = open.body.items[0].id;

    // a real viewer over socket.io: join in interact mode, take control, type, hand back, leave
    const viewer = await connectSocket(gw.url, '/live', gw.adminToken);
    sockets.push(viewer);
    await expect(viewer.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(viewer.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await expect(viewer.emitWithAck('input', { sessionId, data: 'echo WATCHED-$((2+3))\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('WATCHED-5');
    await expect(viewer.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
    await expect(viewer.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
    user.write('exit\n');
    await user.exited;
    await expect(
      eventually(
        () => gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.status),
        (status) => status === 200,
      ),
    ).resolves.toBe(200);

    // the API: admin and the owner see it; another owner is told it does not exist; nobody asks about others but admins and auditors
    const report = await gw.http.get(`/api/sessions/${sessionId}/watchers-report`).auth(aliceToken, { type: 'bearer' }).expect(200);
    expect(report.body.watchers).toEqual([
      expect.objectContaining({ viewer: 'admin', controlTaken: 1, inputBursts: 1, visits: [expect.objectContaining({ mode: 'interact', leftBecause: 'left', durationSeconds: expect.any(Number) })] }),
    ]);
    await gw.http.get(`/api/sessions/${sessionId}/watchers-report`).auth(malloryToken, { type: 'bearer' }).expect(404);
    await gw.http.get('/api/audit/watched?user=admin').auth(aliceToken, { type: 'bearer' }).expect(403);
    await gw.http.get('/api/audit/watched').auth(aliceToken, { type: 'bearer' }).expect(200);

    // the console: the entry shows who watched
    const admin = await asAdmin();
    await admin.goto(`/access-logs/${sessionId}`);
    const section = admin.getByTestId('who-watched');
    const row = section.locator('tr[data-viewer="admin"]');
    await row.waitFor();
    await expect(row.locator('[data-field="controlTaken"]').textContent()).resolves.toBe('1');
    await expect(row.locator('[data-field="inputBursts"]').textContent()).resolves.toBe('1');
    await expect(row.locator('li[data-mode="interact"]').count()).resolves.toBe(1);
    await expect(row.locator('li[data-still-watching]').count()).resolves.toBe(0);
    const found: Record<string, string[]> = { 'entry with who watched': await accessibilityViolations(admin) };
    // the entry page loads the recording for its player: that is the admin viewing it, and it counts
    const views = await eventually(
      () => gw.http.get(`/api/sessions/${sessionId}/watchers-report`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.watchers[0]?.recordingViews as number),
      (n) => n === 1,
    );
    expect(views).toBe(1);
    const csv = await downloadText(admin, () => section.getByRole('button', { name: 'Download CSV of who watched' }).click());
    expect(csv.name).toMatch(new RegExp(`^vigil-watchers-${sessionId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^Session,Viewer,Joined,Left,/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^${sessionId},admin,\\S+Z,\\S+Z,\\d+,interact,left,1,1,0,1,0,\\d+$`))]);

    // the owner sees it on her own entry
    const alice = await signedIn('alice', 'alice-password');
    await alice.goto(`/access-logs/${sessionId}`);
    await alice.getByTestId('who-watched').locator('tr[data-viewer="admin"]').waitFor();

    // per user: what the admin watched, from the nav
    await admin.getByRole('link', { name: 'Who watched', exact: true }).click();
    await admin.getByRole('heading', { name: 'Who watched', level: 1 }).waitFor();
    await admin.getByLabel('User', { exact: true }).fill('admin');
    await admin.getByRole('button', { name: 'Show' }).click();
    await admin.waitForURL((url) => url.searchParams.get('user') === 'admin');
    await admin.locator(`tr[data-session-id="${sessionId}"][data-viewer="admin"]`).waitFor();
    found['who watched page'] = await accessibilityViolations(admin);
    const perUser = await downloadText(admin, () => admin.getByRole('button', { name: 'Download CSV' }).click());
    expect(perUser.name).toMatch(/^vigil-watched-admin-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(perUser.text).toContain(`${sessionId},admin,`);

    const dark = await asAdmin('dark');
    await dark.goto(`/access-logs/${sessionId}`);
    await dark.getByTestId('who-watched').locator('tr[data-viewer="admin"]').waitFor();
    found['entry with who watched (dark)'] = await accessibilityViolations(dark);
    await dark.goto('/watched?user=admin');
    await dark.locator(`tr[data-session-id="${sessionId}"]`).waitFor();
    found['who watched page (dark)'] = await accessibilityViolations(dark);
    noViolations(found);
  });

  it('the audit page: filters kept in the address bar, keyset pages, errors only, the verify badge, CSV of the filter', async () => {
    for (let i = 0; i < 30; i++) await login(gw.http, 'mallory', 'mallory-password');
    await gw.http.post('/api/auth/login').send({ username: 'mallory', password: 'wrong-password' }).expect(401);

    const admin = await asAdmin();
    await admin.getByRole('link', { name: 'Audit', exact: true }).click();
    await admin.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await admin.locator('[data-verdict="ok"]').waitFor();
    await expect(admin.locator('[data-verdict="ok"]').textContent()).resolves.toMatch(/Chain intact: \d+ records verified up to #\d+/);
    const found: Record<string, string[]> = { 'audit page': await accessibilityViolations(admin) };
    await readmeScreenshot(admin, 'audit.png');

    await admin.getByLabel('Event name').selectOption('ConsoleLogin');
    await admin.getByLabel('User', { exact: true }).fill('mallory');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await admin.waitForURL((url) => url.searchParams.get('eventName') === 'ConsoleLogin' && url.searchParams.get('user') === 'mallory');
    await admin.getByLabel('Per page').selectOption('25');
    await admin.waitForURL((url) => url.searchParams.get('limit') === '25' && url.searchParams.get('eventName') === 'ConsoleLogin');
    const rows = admin.locator('table.audit-table tbody tr');
    const seqs = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));
    await expect(eventually(() => rows.count(), (n) => n === 25)).resolves.toBe(25);
    await expect(rows.evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-event-name')))])).resolves.toEqual(['ConsoleLogin']);
    const first = await seqs();
    expect([...first].sort((a, b) => b - a)).toEqual(first); // newest first

    await admin.getByRole('button', { name: 'Next →' }).click();
    await admin.getByTestId('page-number').filter({ hasText: 'Page 2' }).waitFor();
    // mallory's 31 sign-ins (one when her account was made): 25 + 6
    await expect(eventually(() => rows.count(), (n) => n === 6)).resolves.toBe(6);
    const second = await seqs();
    expect(Math.max(...second)).toBeLessThan(Math.min(...first));
    await admin.getByRole('button', { name: '← Previous' }).click();
    await admin.getByTestId('page-number').filter({ hasText: 'Page 1' }).waitFor();
    await expect(eventually(seqs, (s) => s[0] === first[0] && s.length === 25)).resolves.toEqual(first);

    // the CSV is every page of what the filter shows
    const csv = await downloadText(admin, () => admin.getByRole('button', { name: 'Download CSV' }).click());
    expect(csv.name).toMatch(/^vigil-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(32);
    expect(lines.slice(1).every((l) => l.includes(',ConsoleLogin,') && l.includes(',mallory,'))).toBe(true);

    // the address bar is the filter: a reload keeps it; errors only shows the refused login
    await admin.goto('/audit?eventName=ConsoleLogin&errorsOnly=true');
    await expect(admin.getByLabel('Errors and refusals only').isChecked()).resolves.toBe(true);
    await expect(eventually(() => rows.count(), (n) => n >= 1)).resolves.toBeGreaterThanOrEqual(1);
    await expect(admin.locator('table.audit-table tbody tr:not(.audit-error-row)').count()).resolves.toBe(0);
    await expect(rows.first().textContent()).resolves.toContain('InvalidCredentials');
    await expect(rows.first().locator('pre').isVisible()).resolves.toBe(false);
    await rows.first().getByText('JSON').click();
    await rows.first().locator('pre').waitFor();
    await expect(rows.first().locator('pre').textContent()).resolves.toContain('"username": "mallory"');
    found['audit page, errors only, a record opened'] = await accessibilityViolations(admin);

    const dark = await asAdmin('dark');
    await dark.goto('/audit?eventName=ConsoleLogin&limit=25');
    await dark.locator('[data-verdict="ok"]').waitFor();
    await expect(eventually(() => dark.locator('table.audit-table tbody tr').count(), (n) => n === 25)).resolves.toBe(25);
    found['audit page (dark)'] = await accessibilityViolations(dark);
    noViolations(found);
  });

  it('event rules: created from the console with a tested pattern, the secret shown once and signing real deliveries; a dead letter redriven; disabled; deleted', async () => {
    const admin = await asAdmin();
    await admin.getByRole('link', { name: 'Event rules', exact: true }).click();
    await admin.getByRole('heading', { name: 'Event rules', level: 1 }).waitFor();
    await admin.getByText('No event rules yet.').waitFor();
    const found: Record<string, string[]> = { 'event rules page': await accessibilityViolations(admin) };
    const pattern = admin.getByLabel('Event pattern (EventBridge syntax, JSON)');
    const result = admin.locator('.pattern-result');

    // Test pattern, against the latest real event: one that matches every envelope, one that cannot
    await pattern.fill('{"version": ["0"]}');
    await admin.getByRole('button', { name: 'Test pattern' }).click();
    await admin.locator('.pattern-result[data-match="true"]').waitFor();
    await expect(result.textContent()).resolves.toContain('Matches the latest event');
    await admin.getByText('The event tested').click();
    await expect(admin.locator('.pattern-tester pre').textContent()).resolves.toContain('"detail-type"');
    await pattern.fill('{"source": ["no.such.source"]}');
    await admin.getByRole('button', { name: 'Test pattern' }).click();
    await admin.locator('.pattern-result[data-match="false"]').waitFor();
    await pattern.fill('{"source": ');
    await admin.getByRole('button', { name: 'Test pattern' }).click();
    await result.getByText(/not JSON/).waitFor();
    found['pattern tested'] = await accessibilityViolations(admin);

    // bad input: the form names the field; the server's 400 (an unreachable target) is shown as it names it
    await admin.getByLabel('Name', { exact: true }).fill('bad name!');
    await admin.getByRole('button', { name: 'Create rule' }).click();
    await admin.getByRole('alert').filter({ hasText: 'name: must be' }).waitFor();
    await admin.getByLabel('Name', { exact: true }).fill('mallory-logins');
    await pattern.fill(JSON.stringify({ 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['ConsoleLogin'], userIdentity: { userName: ['mallory'] } } }));
    await admin.getByLabel('Webhook URL').fill('http://no-such-host.invalid/hook');
    await admin.getByRole('button', { name: 'Create rule' }).click();
    await admin.getByRole('alert').filter({ hasText: 'targets[0].url' }).waitFor();
    await expect(admin.getByRole('heading', { name: 'Rule created' }).count()).resolves.toBe(0);

    await admin.getByLabel('Webhook URL').fill(receiver.url);
    await admin.getByRole('button', { name: 'Create rule' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Rule created' });
    await dialog.waitFor();
    await dialog.getByText('it won’t be shown again').waitFor();
    const secret = await dialog.getByLabel(/^Signing secret/).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    found['secret dialog'] = await accessibilityViolations(admin);
    await dialog.getByRole('button', { name: 'Copy signing secret' }).click();
    await dialog.getByText('Copied to the clipboard.').waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await dialog.getByRole('button', { name: 'Done, I have copied it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const ruleRow = admin.locator('tr[data-rule-name="mallory-logins"]');
    await ruleRow.waitFor();
    const ruleId = (await ruleRow.getAttribute('data-rule-id'))!;
    // shown once: not on the page any more, not in any later answer
    expect(await admin.content()).not.toContain(secret);
    const listed = await gw.http.get('/api/event-rules').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).toContain('mallory-logins');
    found['rules list'] = await accessibilityViolations(admin);

    // the receiver is down: two attempts, then a dead letter; each attempt signed with the secret shown
    await login(gw.http, 'mallory', 'mallory-password');
    const deadLetters = await eventually(
      () => gw.http.get(`/api/event-deliveries?ruleId=${ruleId}&status=dead`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.items as unknown[]),
      (items) => items.length === 1,
      30_000,
    );
    expect(deadLetters).toHaveLength(1);
    expect(receiver.received.length).toBe(2);
    for (const r of receiver.received) expect(verifyWebhook(secret, r.body, r, Date.now())).toBe(true);
    expect(verifyWebhook('not-the-secret', receiver.received[0].body, receiver.received[0], Date.now())).toBe(false);

    await ruleRow.getByRole('link', { name: 'Deliveries of mallory-logins' }).click();
    await admin.getByRole('heading', { name: 'Event rule mallory-logins', level: 1 }).waitFor();
    await admin.getByLabel('Status').selectOption('dead');
    const dead = admin.locator('tr[data-status="dead"]');
    await dead.waitFor();
    await expect(dead.locator('td.num').allTextContents()).resolves.toEqual(['2', '500', expect.stringMatching(/^\d+ ms$/)]);
    found['dead letters'] = await accessibilityViolations(admin);

    receiver.answer(200);
    await admin.getByRole('button', { name: 'Redrive all dead letters' }).click();
    await admin.getByRole('status').filter({ hasText: '1 dead letter sent for delivery again.' }).waitFor();
    await expect(eventually(async () => receiver.received.filter((r) => r.answered === 200).length, (n) => n === 1, 30_000)).resolves.toBe(1);
    await admin.getByLabel('Status').selectOption('');
    const deliveredRows = await eventually(
      async () => {
        await admin.reload();
        await admin.locator('[aria-busy="false"]').first().waitFor();
        return admin.locator('tr[data-status="delivered"]').count();
      },
      (n) => n === 1,
      30_000,
    );
    expect(deliveredRows).toBe(1);
    const delivered = receiver.received.find((r) => r.answered === 200)!;
    expect(verifyWebhook(secret, delivered.body, delivered, Date.now())).toBe(true);
    expect(JSON.parse(delivered.body)).toMatchObject({ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'ConsoleLogin', userIdentity: { userName: 'mallory' } } });
    found['deliveries'] = await accessibilityViolations(admin);

    // disable, then delete after a confirmation (Cancel keeps it)
    await admin.getByRole('link', { name: '← Event rules' }).click();
    await admin.getByRole('button', { name: 'Disable mallory-logins' }).click();
    await ruleRow.getByText('Disabled').waitFor();
    await expect(gw.http.get(`/api/event-rules/${ruleId}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.enabled)).resolves.toBe(false);
    await admin.getByRole('button', { name: 'Delete mallory-logins' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Delete event rule' });
    await confirm.waitFor();
    found['delete dialog'] = await accessibilityViolations(admin);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await admin.getByRole('button', { name: 'Delete mallory-logins' }).click();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await ruleRow.waitFor({ state: 'detached' });
    await gw.http.get(`/api/event-rules/${ruleId}`).auth(gw.adminToken, { type: 'bearer' }).expect(404);

    // dark theme: the list with a rule, the secret dialog, the deliveries page
    const dark = await asAdmin('dark');
    await dark.goto('/event-rules');
    await dark.getByLabel('Name', { exact: true }).fill('dark-rule');
    await dark.getByLabel('Webhook URL').fill(receiver.url);
    await dark.getByRole('button', { name: 'Create rule' }).click();
    await dark.getByRole('dialog', { name: 'Rule created' }).waitFor();
    found['secret dialog (dark)'] = await accessibilityViolations(dark);
    await dark.getByRole('button', { name: 'Done, I have copied it' }).click();
    await dark.locator('tr[data-rule-name="dark-rule"]').waitFor();
    found['rules list (dark)'] = await accessibilityViolations(dark);
    await dark.getByRole('link', { name: 'Deliveries of dark-rule' }).click();
    await dark.getByRole('heading', { name: 'Event rule dark-rule', level: 1 }).waitFor();
    await dark.getByText('No deliveries yet.').waitFor();
    found['deliveries (dark)'] = await accessibilityViolations(dark);
    noViolations(found);
  });

  it('a non-admin sees neither Audit nor Event rules; the pages say why, and the API answers 403', async () => {
    const alice = await signedIn('alice', 'alice-password');
    const nav = alice.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Event rules' }).count()).resolves.toBe(0);
    await expect(nav.getByRole('link', { name: 'Audit', exact: true }).count()).resolves.toBe(0);
    await expect(nav.getByRole('link', { name: 'Who watched' }).count()).resolves.toBe(1);
    await alice.goto('/event-rules');
    await alice.getByText('This page needs the admin role.').waitFor();
    await alice.goto('/audit');
    await alice.getByText('This page needs the admin or auditor role.').waitFor();
    const found = { 'not permitted page': await accessibilityViolations(alice) };
    // her own watching only: the form has no user field
    await alice.goto('/watched');
    await alice.getByText('alice (you)').waitFor();
    await expect(alice.getByLabel('User', { exact: true }).count()).resolves.toBe(0);
    for (const path of ['/api/event-rules', '/api/event-deliveries', '/api/audit', '/api/audit/verify']) {
      await gw.http.get(path).auth(aliceToken, { type: 'bearer' }).expect(403);
    }
    await gw.http.post('/api/event-rules').auth(aliceToken, { type: 'bearer' }).send({ name: 'x', eventPattern: { source: ['vigil'] }, targets: [{ type: 'webhook', url: receiver.url }] }).expect(403);
    await gw.http.post('/api/event-rules/test-pattern').auth(aliceToken, { type: 'bearer' }).send({ eventPattern: { source: ['vigil'] } }).expect(403);
    noViolations(found);
  });
});
