import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd } from './support/sshd';
import { TestGateway, createUser, startTestGatewayOn } from './support/test-gateway';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every entry under `dir` (itself included) with its permission bits; symbolic links as such. */
function modes(dir: string): { path: string; kind: 'dir' | 'file' | 'link'; mode: string }[] {
  const out: { path: string; kind: 'dir' | 'file' | 'link'; mode: string }[] = [];
  const visit = (p: string) => {
    const stat = fs.lstatSync(p);
    const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file';
    out.push({ path: path.relative(dir, p) || '.', kind, mode: (stat.mode & 0o777).toString(8) });
    if (kind === 'dir') for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return out;
}

const wrongModes = (dir: string) => modes(dir).filter((e) => (e.kind === 'dir' && e.mode !== '700') || (e.kind === 'file' && e.mode !== '600'));

/**
 * The data folder holds the database, recordings (everything a user typed and saw) and keys:
 * nothing in it may be readable by another account, whatever the umask Vigil was started with.
 */
describe.each(DATABASE_KINDS)('data folder permissions on %s', (kind) => {
  describe('a fresh data folder, under the loosest umask, after a recorded SSH session', () => {
    let db: TestDatabase;
    let gw: TestGateway;
    let dataDir: string;
    let dir: string;
    let sshd: SshdHandle;
    let aliceKey: KeyPair;
    let umask: number;

    beforeAll(async () => {
      dir = makeTempDir('vigil-data-files');
      aliceKey = makeKeyPair(dir, 'alice');
      const targetKey = makeKeyPair(dir, 'target');
      sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
      db = await createTestDatabase(kind);
      dataDir = path.join(db.env.VIGIL_DATA_DIR, 'vigil', 'data'); // does not exist yet
      // From here on, anything created without an explicit mode would be world-readable (0666/0777).
      umask = process.umask(0);
      gw = await startTestGatewayOn(db, { VIGIL_DATA_DIR: dataDir });
      const alice = await createUser(gw, 'alice');
      await gw.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
      await gw.http
        .post('/api/targets')
        .auth(gw.adminToken, { type: 'bearer' })
        .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice' })
        .expect(201);
      // Targets need a grant where grants exist (lifecycle v2); before that the route is absent.
      const grant = await gw.http.put('/api/targets/box/grants').auth(gw.adminToken, { type: 'bearer' }).send({ users: ['alice'] });
      expect([200, 204, 404]).toContain(grant.status);
    });

    afterAll(async () => {
      process.umask(umask);
      await gw?.close();
      await sshd?.stop();
      await db?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('every folder is 0700 and every file 0600: database and its WAL, recordings, host key, credential key', async () => {
      const result = await run('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1', 'echo recorded-$((6*7))']);
      expect(result.stdout).toContain('recorded-42');

      // the recording is sealed and linked once the session has ended
      const deadline = Date.now() + 15_000;
      let recordingUrl: string | null = null;
      while (!recordingUrl && Date.now() < deadline) {
        const log = await gw.http.get('/api/access-logs?target=box').auth(gw.adminToken, { type: 'bearer' }).expect(200);
        recordingUrl = log.body.items[0]?.recordingUrl ?? null;
        if (!recordingUrl) await sleep(100);
      }
      expect(recordingUrl).not.toBeNull();

      const entries = modes(dataDir);
      const files = entries.filter((e) => e.kind === 'file').map((e) => e.path);
      // what must be there, so the check below cannot pass on an empty folder
      expect(files.some((f) => /\.vcast$/.test(f))).toBe(true);
      expect(files).toEqual(expect.arrayContaining([path.join('ssh', 'jump_host_ed25519'), path.join('secrets', 'credential.key')]));
      if (kind === 'sqlite') expect(files).toEqual(expect.arrayContaining(['vigil.sqlite', 'vigil.sqlite-wal', 'vigil.sqlite-shm']));
      expect(wrongModes(dataDir)).toEqual([]);
      // the folders above it that Vigil had to create, too
      expect((fs.statSync(path.dirname(dataDir)).mode & 0o777).toString(8)).toBe('700');
    });
  });

  describe('a data folder an older version left open', () => {
    let db: TestDatabase;
    let gw: TestGateway;

    afterAll(async () => {
      await gw?.close();
      await db?.drop();
    });

    it('is tightened at boot, with what is already inside', async () => {
      db = await createTestDatabase(kind);
      const dataDir = db.env.VIGIL_DATA_DIR;
      fs.chmodSync(dataDir, 0o755);
      fs.mkdirSync(path.join(dataDir, 'recordings', 'old'), { recursive: true, mode: 0o755 });
      fs.writeFileSync(path.join(dataDir, 'recordings', 'old', 'before-upgrade.cast'), '{}\n', { mode: 0o644 });
      if (kind === 'sqlite') fs.writeFileSync(path.join(dataDir, 'vigil.sqlite'), '', { mode: 0o644 }); // an empty database
      expect(wrongModes(dataDir).length).toBeGreaterThan(0);

      gw = await startTestGatewayOn(db);
      expect(wrongModes(dataDir)).toEqual([]);
      expect(fs.readFileSync(path.join(dataDir, 'recordings', 'old', 'before-upgrade.cast'), 'utf8')).toBe('{}\n');
    });
  });
});
