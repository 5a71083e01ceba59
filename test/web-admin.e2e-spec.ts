/**
 * The administration pages of the web console in Debian's Chromium, end to end: an admin creates a
 * user in the browser, that user signs in to the console and connects through the jump to a real
 * sshd with the password the admin chose; the admin changes their privileges, disables them (their
 * live SSH session ends within 1 s with the notice), enables them again, resets their password and
 * deletes them. Agents: created (the token shown once works against the agent API), rotated (the
 * old token stops), revoked. A non-admin is shown no administration and the API refuses them.
 * axe-core checks every state in both themes. Build the console first: npm run build:web.
 */
import * as fs from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd, writeAskpass } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, createUser, login, sessionPayload, startTestGateway } from './support/test-gateway';
import { readmeScreenshot } from './support/screenshot-dir';

const NEW_USER = { username: 'nadia', password: 'nadia-first-password' };

describe('web console: administration (users and agents)', () => {
  let gw: TestGateway;
  let browser: Browser;
  let sshd: SshdHandle;
  let dir: string;
  let targetPrivateKey: string;
  const processes: InteractiveProcess[] = [];

  beforeAll(async () => {
    dir = makeTempDir('vigil-web-admin');
    const targetKey = makeKeyPair(dir, 'target');
    targetPrivateKey = targetKey.privateKey;
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    await createUser(gw, 'kim');
    // granted to the owner role: a user created with it in the browser may connect at once
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'db-01', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, grants: { roles: ['owner'] } })
      .expect(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    processes.forEach((p) => p.kill());
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pages.errors.splice(0)).toEqual([]);
  });

  const pages = new ConsolePages(() => browser, () => gw.url);
  const signedIn = (username: string, password: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> => pages.signedIn(username, password, { colorScheme });
  const userRow = (page: Page, username: string) => page.locator(`tr[data-username="${username}"]`);
  const apiUser = async (username: string) =>
    ((await gw.http.get('/api/users').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body as { username: string; roles: string[]; privileges: string[]; disabled: boolean }[]).find(
      (u) => u.username === username,
    );
  const jumpLogin = (username: string, password: string) => {
    const askpass = writeAskpass(dir, `askpass-${username}-${password.length}`, password);
    const ssh = InteractiveProcess.spawn(
      'ssh',
      ['-tt', ...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), `${username}+db-01@127.0.0.1`],
      { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
    );
    processes.push(ssh);
    return ssh;
  };

  it('an admin creates a user in the browser; the user signs in and connects through the jump; disabling ends their SSH session within 1 s', async () => {
    const admin = await signedIn(ADMIN.username, ADMIN.password);
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await userRow(admin, 'kim').waitFor();
    const violations: Record<string, string[]> = { 'users page': await accessibilityViolations(admin) };

    // create: username, password, roles (owner is preselected), the shadow privilege
    await admin.getByLabel('Username').fill(NEW_USER.username);
    await admin.getByLabel('Password (at least 8 characters)').fill(NEW_USER.password);
    await admin.getByRole('group', { name: 'Privileges' }).getByLabel(/^shadow/).check();
    await admin.getByRole('button', { name: 'Create user' }).click();
    await userRow(admin, NEW_USER.username).waitFor();
    await admin.getByText(`User ${NEW_USER.username} created.`).waitFor({ state: 'attached' });
    await expect(apiUser(NEW_USER.username)).resolves.toMatchObject({ roles: ['owner'], privileges: ['shadow'], disabled: false });
    // the form was cleared for the next one
    await expect(admin.getByLabel('Username').inputValue()).resolves.toBe('');
    await readmeScreenshot(admin, 'admin-users.png');

    // the new user signs in to the console, then connects through the jump with the same password
    const nadia = await signedIn(NEW_USER.username, NEW_USER.password);
    await expect(nadia.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);
    const ssh = jumpLogin(NEW_USER.username, NEW_USER.password);
    ssh.write('echo CONNECTED-$((40+2))\n');
    await ssh.waitFor('CONNECTED-42', 20_000);
    const open = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items.map((s: { user: string }) => s.user)).toEqual([NEW_USER.username]);
    // Vigil carries it: watchable, and titled by account and target
    expect(open.body.items[0]).toMatchObject({ liveStream: 'terminal', accountName: 'root', serviceProvider: 'db-01' });

    // edit privileges in a dialog; Cancel changes nothing
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Edit ${NEW_USER.username}` }).click();
    const edit = admin.getByRole('dialog', { name: `Roles and privileges of ${NEW_USER.username}` });
    await edit.waitFor();
    violations['edit dialog'] = await accessibilityViolations(admin);
    await edit.getByLabel(/^interact/).check();
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect(apiUser(NEW_USER.username)).resolves.toMatchObject({ privileges: ['shadow'] });
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Edit ${NEW_USER.username}` }).click();
    await edit.getByLabel(/^interact/).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByText(`Roles and privileges of ${NEW_USER.username} saved.`).waitFor({ state: 'attached' });
    await expect(apiUser(NEW_USER.username)).resolves.toMatchObject({ privileges: ['shadow', 'interact'] });
    await expect(userRow(admin, NEW_USER.username).innerText()).resolves.toContain('shadow, interact');

    // disable, after a confirmation that says what happens: the SSH session ends within 1 s
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Disable ${NEW_USER.username}` }).click();
    const confirm = admin.getByRole('dialog', { name: `Disable ${NEW_USER.username}` });
    await confirm.getByText('live SSH sessions').waitFor();
    violations['disable dialog'] = await accessibilityViolations(admin);
    const clicked = Date.now();
    await confirm.getByRole('button', { name: 'Disable', exact: true }).click();
    const exited = await ssh.exited;
    expect(exited.at - clicked).toBeLessThan(1000);
    expect(ssh.text).toContain('Your Vigil account was disabled.');
    await userRow(admin, NEW_USER.username).getByText('Disabled', { exact: true }).waitFor();
    await expect(gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.items.length)).resolves.toBe(0);
    // their console was signed out: its token no longer works
    await nadia.reload();
    await nadia.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect(login(gw.http, NEW_USER.username, NEW_USER.password)).rejects.toThrow();

    // enable again, then reset the password: the new one signs in, the old one no longer
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Enable ${NEW_USER.username}` }).click();
    await userRow(admin, NEW_USER.username).getByText('Active', { exact: true }).waitFor();
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Reset password ${NEW_USER.username}` }).click();
    const reset = admin.getByRole('dialog', { name: `Reset the password of ${NEW_USER.username}` });
    await reset.getByLabel(/New password for/).fill('nadia-second-password');
    violations['reset dialog'] = await accessibilityViolations(admin);
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await admin.getByText(`Password of ${NEW_USER.username} reset.`).waitFor({ state: 'attached' });
    await expect(login(gw.http, NEW_USER.username, 'nadia-second-password')).resolves.toEqual(expect.any(String));
    await expect(login(gw.http, NEW_USER.username, NEW_USER.password)).rejects.toThrow();

    // a refusal is shown in words and the form keeps what was typed: a duplicate name
    await admin.getByLabel('Username').fill('KIM');
    await admin.getByLabel('Password (at least 8 characters)').fill('whatever-password');
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.getByRole('alert').waitFor();
    await expect(admin.getByRole('alert').textContent()).resolves.toMatch(/exists|taken|already/i);
    await expect(admin.getByLabel('Username').inputValue()).resolves.toBe('KIM');

    // delete after a confirmation; focus goes to the page heading (the row is gone)
    await userRow(admin, NEW_USER.username).getByRole('button', { name: `Delete ${NEW_USER.username}` }).click();
    await admin.getByRole('dialog', { name: `Delete ${NEW_USER.username}` }).getByRole('button', { name: 'Delete', exact: true }).click();
    await userRow(admin, NEW_USER.username).waitFor({ state: 'detached' });
    await expect(admin.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Users');
    await expect(apiUser(NEW_USER.username)).resolves.toBeUndefined();
    // an admin cannot disable or delete themself: no such buttons on their own row
    await expect(userRow(admin, ADMIN.username).getByRole('button', { name: /^(Disable|Delete) / }).count()).resolves.toBe(0);

    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });

  it('agents: the token shown once works, rotating stops the old one, revoking stops it for good; dark theme', async () => {
    const admin = await signedIn(ADMIN.username, ADMIN.password, 'dark');
    await admin.goto('/admin/agents');
    await admin.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    const violations: Record<string, string[]> = { 'agents page (dark)': await accessibilityViolations(admin) };
    await admin.getByLabel('Name', { exact: true }).fill('pam-hosts');
    await admin.getByRole('button', { name: 'Create agent' }).click();
    const shown = admin.getByRole('dialog', { name: 'Token of pam-hosts' });
    await shown.waitFor();
    violations['token dialog (dark)'] = await accessibilityViolations(admin);
    const first = await shown.getByLabel('Agent token').inputValue();
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();
    const reported = await gw.http.post('/api/agent/sessions').auth(first, { type: 'bearer' }).send(sessionPayload({ externalId: 'admin-page-1' })).expect(201);
    // an agent's session has no live stream, and an agent cannot claim one
    expect(reported.body.liveStream).toBeNull();
    await gw.http.post('/api/agent/sessions').auth(first, { type: 'bearer' }).send(sessionPayload({ externalId: 'admin-page-x', liveStream: 'terminal' })).expect(400);

    const agentRow = admin.locator('tr[data-agent-id]', { hasText: 'pam-hosts' });
    await agentRow.getByRole('button', { name: 'Rotate the token of pam-hosts' }).click();
    await admin.getByRole('dialog', { name: 'Rotate the token of pam-hosts' }).getByRole('button', { name: 'Rotate token' }).click();
    await shown.waitFor();
    const second = await shown.getByLabel('Agent token').inputValue();
    expect(second).not.toBe(first);
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();
    await gw.http.post('/api/agent/sessions').auth(first, { type: 'bearer' }).send(sessionPayload({ externalId: 'admin-page-2' })).expect(401);
    await gw.http.post('/api/agent/sessions').auth(second, { type: 'bearer' }).send(sessionPayload({ externalId: 'admin-page-3' })).expect(201);

    await agentRow.getByRole('button', { name: 'Revoke pam-hosts' }).click();
    await admin.getByRole('dialog', { name: 'Revoke pam-hosts' }).getByRole('button', { name: 'Revoke', exact: true }).click();
    await agentRow.getByText(/^Revoked/).waitFor();
    await gw.http.post('/api/agent/sessions').auth(second, { type: 'bearer' }).send(sessionPayload({ externalId: 'admin-page-4' })).expect(401);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });

  it('targets: created in the browser with write-only credentials and grants, tested (host key shown, a changed key re-trusted), edited, deleted', async () => {
    const admin = await signedIn(ADMIN.username, ADMIN.password);
    await admin.goto('/admin/targets');
    await admin.getByRole('heading', { name: 'Targets', level: 1 }).waitFor();
    const targetRow = admin.locator('tr[data-target="web-01"]');
    await admin.getByRole('button', { name: 'New target' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New target' });
    await dialog.getByLabel('Name', { exact: true }).fill('web-01');
    await dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await dialog.getByLabel('Account on the target').fill('root');
    await dialog.getByLabel('Private key').check();
    await dialog.getByLabel('Private key (OpenSSH or PEM)').fill(targetPrivateKey);
    await dialog.getByLabel(/^Users who may connect/).fill('kim');
    const violations: Record<string, string[]> = { 'new target dialog': await accessibilityViolations(admin) };
    await dialog.getByRole('button', { name: 'Create target' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await targetRow.waitFor();
    const stored = (await gw.http.get('/api/targets/web-01').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
    expect(stored).toMatchObject({ protocol: 'ssh', authentication: 'privateKey', hostKeySha256: null });
    expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');
    await expect(gw.http.get('/api/targets/web-01/grants').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body)).resolves.toEqual({ users: ['kim'], roles: [] });
    violations['targets page'] = await accessibilityViolations(admin);

    // Test connection: reachable, the host key offered, nothing pinned yet
    await targetRow.getByRole('button', { name: 'Test connection to web-01' }).click();
    await targetRow.getByText(/^Reachable \(\d+ ms\)/).waitFor();
    const offered = /SHA256:[A-Za-z0-9+/]{43}/.exec(await targetRow.innerText())![0];
    expect(await targetRow.innerText()).toContain('pinned at the first connection');

    // kim connects through the jump (password login): the jump pins the key it saw, the same one
    const kimLogin = InteractiveProcess.spawn(
      'ssh',
      ['-tt', ...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), 'kim+web-01@127.0.0.1'],
      { SSH_ASKPASS: writeAskpass(dir, 'askpass-kim', 'kim-password'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
    );
    processes.push(kimLogin);
    kimLogin.write('echo KIM-IN-$((6*7)); exit\n');
    await kimLogin.waitFor('KIM-IN-42', 20_000);
    await kimLogin.exited;
    await expect(gw.http.get('/api/targets/web-01').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.hostKeySha256)).resolves.toBe(offered);

    // the target "changes" its key (a wrong pin): Test says so, Trust new key pins what it offers
    await gw.http.post('/api/targets/web-01/repin').auth(gw.adminToken, { type: 'bearer' }).send({ hostKeySha256: `SHA256:${'A'.repeat(43)}` }).expect(200);
    await admin.reload();
    await targetRow.getByRole('button', { name: 'Test connection to web-01' }).click();
    await targetRow.getByText(/host key changed/).waitFor();
    await targetRow.getByRole('button', { name: 'Trust the new host key of web-01' }).click();
    await admin.getByText(`web-01 now trusts ${offered}.`).waitFor({ state: 'attached' });
    await expect(gw.http.get('/api/targets/web-01').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.hostKeySha256)).resolves.toBe(offered);
    await targetRow.getByRole('button', { name: 'Test connection to web-01' }).click();
    await targetRow.getByText('host key matches the pin', { exact: false }).waitFor();

    // edit: the credential left empty is kept; the grant moves from kim to the auditor role
    await targetRow.getByRole('button', { name: 'Edit web-01' }).click();
    const editDialog = admin.getByRole('dialog', { name: 'Edit web-01' });
    await expect(editDialog.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('web-01');
    await expect(editDialog.getByLabel(/^Users who may connect/).inputValue()).resolves.toBe('kim');
    await editDialog.getByLabel(/^Users who may connect/).fill('');
    await editDialog.getByRole('group', { name: 'Roles who may connect' }).getByLabel(/^auditor/).check();
    violations['edit target dialog'] = await accessibilityViolations(admin);
    await editDialog.getByRole('button', { name: 'Save' }).click();
    await editDialog.waitFor({ state: 'hidden' });
    await expect(gw.http.get('/api/targets/web-01/grants').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body)).resolves.toEqual({ users: [], roles: ['auditor'] });
    await expect(gw.http.get('/api/targets/web-01').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.authentication)).resolves.toBe('privateKey');

    // a refusal inside the dialog is shown there, in words: an unknown user in the grants
    await targetRow.getByRole('button', { name: 'Edit web-01' }).click();
    await editDialog.getByLabel(/^Users who may connect/).fill('nobody-by-that-name');
    await editDialog.getByRole('button', { name: 'Save' }).click();
    await editDialog.getByRole('alert').waitFor();
    await editDialog.getByRole('button', { name: 'Cancel' }).click();

    // delete
    await targetRow.getByRole('button', { name: 'Delete web-01' }).click();
    await admin.getByRole('dialog', { name: 'Delete web-01' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await targetRow.waitFor({ state: 'detached' });
    await gw.http.get('/api/targets/web-01').auth(gw.adminToken, { type: 'bearer' }).expect(404);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });

  it('a non-admin gets no administration: no menu entry, a page that says why, and the API refuses', async () => {
    const kim = await signedIn('kim', 'kim-password');
    await expect(kim.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);
    await kim.goto('/admin/users');
    await kim.getByText('This page needs the admin role.').waitFor();
    await expect(kim.locator('tr[data-username]').count()).resolves.toBe(0);
    const kimsToken = await login(gw.http, 'kim', 'kim-password');
    await gw.http.get('/api/users').auth(kimsToken, { type: 'bearer' }).expect(403);
    await gw.http.post('/api/users').auth(kimsToken, { type: 'bearer' }).send({ username: 'mallory', password: 'mallory-password', roles: ['admin'], privileges: [] }).expect(403);
  });
});
