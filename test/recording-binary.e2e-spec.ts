/**
 * A forensic recording of binary output (issue 13): someone `cat`s a random binary file through the
 * real jump with a real OpenSSH client. The stored recording (framed, `.vcast`) gives back exactly
 * the bytes the client received; it verifies, and a flipped byte is reported as tampered; and the
 * asciicast it is served as plays in the console's player in Chromium, to the text printed after
 * the binary part.
 *
 * Build the web console first (npm run build:web).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readAsciicast, recordedBytes } from '@vigil/recording';
import { launchChromium } from './support/browser';
import { ConsolePages } from './support/console-pages';
import { DATABASE_KINDS } from './support/databases';
import { findFile } from './support/find-file';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { ADMIN, TestGateway, createUser, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

const BINARY_BYTES = 256 * 1024;
const AFTER = 'AFTER-BINARY-42';

interface Entry {
  id: string;
  recordingUrl: string | null;
  recordingStatus: string | null;
  recordingFormat: string | null;
}

/** Runs the ssh client and keeps its stdout as bytes: what the client received on the channel. */
function sshBytes(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** A GET whose body is kept as bytes, whatever its type. */
const getBytes = (gw: TestGateway, url: string) =>
  gw.http
    .get(url)
    .auth(gw.adminToken, { type: 'bearer' })
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

describe.each(DATABASE_KINDS)('a recording of binary output on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let browser: Browser | undefined;
  let pages: ConsolePages;
  let binary: Buffer;
  let received: Buffer;
  let entry: Entry;

  const stored = () => findFile(path.join(gw.db.env.VIGIL_DATA_DIR, 'recordings'), `${entry.id}.vcast`)!;
  const verify = () => gw.http.get(`${entry.recordingUrl}/verify`).auth(gw.adminToken, { type: 'bearer' }).expect(200).then((r) => r.body as { ok: boolean; sha256: string });

  beforeAll(async () => {
    dir = makeTempDir('vigil-recording-binary');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    const alice = await createUser(gw, 'alice', ['owner']);
    await gw.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await gw.http
      .post('/api/targets')
      .auth(gw.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    pages = new ConsolePages(() => browser!, () => gw.url);

    // Random bytes (every byte value, invalid UTF-8, stray escape sequences), then a full reset and
    // a line of text. No PTY: the channel carries the file's bytes untranslated.
    binary = randomBytes(BINARY_BYTES);
    const file = path.join(dir, 'random.bin');
    fs.writeFileSync(file, binary);
    const result = await sshBytes([...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1', `cat ${file}; printf '\\033c\\n${AFTER}\\n'`]);
    expect(result.code).toBe(0);
    received = result.stdout;
    expect(received.subarray(0, BINARY_BYTES).equals(binary)).toBe(true); // the relay itself is exact
    entry = await eventually(
      () => gw.http.get('/api/access-logs?user=alice&limit=1').auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body.items[0] as Entry | undefined),
      (e) => e?.recordingStatus != null,
    ).then((e) => e!);
  });

  afterAll(async () => {
    await pages?.closeAll();
    await browser?.close();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores exactly what the client received, downloadable raw, sealed by the hash of those stored bytes', async () => {
    expect(entry).toMatchObject({ recordingStatus: 'complete', recordingFormat: 'asciicast' });
    // the file on disk: its output frames are the client's bytes, every one
    const fromDisk = Buffer.concat(await fromAsync(recordedBytes(stored(), 'o')));
    expect(fromDisk.length).toBe(received.length);
    expect(fromDisk.equals(received)).toBe(true);

    // ?format=raw: the stored bytes as they are, of the documented type, hashed as sealed
    const raw = await getBytes(gw, `${entry.recordingUrl}?format=raw&download=true`).expect(200);
    expect(raw.headers['content-type']).toContain('application/vnd.vigil.terminal-recording');
    expect(raw.headers['content-disposition']).toBe(`attachment; filename="${entry.id}.vcast"`);
    const rawBody = raw.body as Buffer;
    expect(rawBody.equals(fs.readFileSync(stored()))).toBe(true);
    const sealed = await verify();
    expect(sealed.ok).toBe(true);
    expect(raw.headers['x-vigil-recording-sha256']).toBe(sealed.sha256);
    expect(createHash('sha256').update(rawBody).digest('hex')).toBe(sealed.sha256);
    const downloaded = path.join(dir, 'downloaded.vcast');
    fs.writeFileSync(downloaded, rawBody);
    expect(Buffer.concat(await fromAsync(recordedBytes(downloaded, 'o'))).equals(received)).toBe(true);

    await gw.http.get(`${entry.recordingUrl}?format=json`).auth(gw.adminToken, { type: 'bearer' }).expect(400);
  });

  it('is served to players as valid asciicast v2: invalid bytes as U+FFFD, the text after them intact', async () => {
    const res = await getBytes(gw, entry.recordingUrl!).expect(200);
    expect(res.headers['content-type']).toContain('application/x-asciicast');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${entry.id}.cast"`);
    const served = path.join(dir, 'served.cast');
    fs.writeFileSync(served, res.body as Buffer);
    const { header, events } = await readAsciicast(served);
    expect(header.version).toBe(2);
    const output = events.filter((e) => e.code === 'o').map((e) => e.data).join('');
    expect(output).toContain('\ufffd');
    expect(output.endsWith(`\x1bc\n${AFTER}\n`)).toBe(true);
  });

  it('plays in the console: the player reaches the end and shows the text printed after the binary part', async () => {
    browser = await launchChromium();
    const page: Page = await pages.signedIn(ADMIN.username, ADMIN.password, { timeoutMs: 20_000 });
    await page.goto(`/access-logs/${entry.id}`);
    await page.locator('[data-verify="ok"]').waitFor();
    const player = page.locator('.recording-player');
    await player.waitFor();
    const duration = Number(await player.getAttribute('data-duration'));
    await player.getByRole('button', { name: 'Play recording' }).click();
    await page.locator('.recording-player[data-state="finished"]').waitFor({ timeout: duration * 1000 + 30_000 });
    await page.waitForFunction(
      (want) => (document.querySelector('.player-screen .xterm-rows')?.textContent ?? '').includes(want),
      AFTER,
      { timeout: 10_000 },
    );
    expect(pages.errors.splice(0)).toEqual([]);
  });

  it('a flipped byte in the stored file is reported as tampered, by the API and in the console', async () => {
    const file = stored();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x20; // in the middle of the binary output
    fs.writeFileSync(file, bytes);
    await expect(verify()).resolves.toMatchObject({ ok: false });
    if (!browser) browser = await launchChromium();
    const page = await pages.signedIn(ADMIN.username, ADMIN.password, { timeoutMs: 20_000 });
    await page.goto(`/access-logs/${entry.id}`);
    await page.locator('[data-verify="tampered"]').waitFor();
  });
});

async function fromAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
