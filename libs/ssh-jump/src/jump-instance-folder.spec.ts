import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InstanceHost, JumpInstanceFolder } from './jump-instance-folder';

describe('JumpInstanceFolder', () => {
  let dataDir: string;
  const dead = new Set<number>();
  /** One "process" per pid (and host): each has its own set of claimed folders, as real processes do. */
  const processes = new Map<string, Set<string>>();
  const host = (pid: number, hostname = 'gw-a'): InstanceHost => {
    const key = `${hostname}:${pid}`;
    if (!processes.has(key)) processes.set(key, new Set());
    return { hostname, pid, bootId: 'boot-1', processExists: (p) => !dead.has(p), claimed: processes.get(key)! };
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-instances-'));
    dead.clear();
    processes.clear();
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("finds a dead predecessor's open sessions, never a running neighbour's, and forgets them once recovered", async () => {
    const crashed = JumpInstanceFolder.claim(dataDir, host(100));
    await crashed.track('s-1', '2026/01/02/s-1.cast');
    await crashed.track('s-2', '2026/01/02/s-2.cast');
    await crashed.untrack('s-2'); // sealed before the crash
    const neighbour = JumpInstanceFolder.claim(dataDir, host(200));
    await neighbour.track('s-3', '2026/01/02/s-3.cast');
    const elsewhere = JumpInstanceFolder.claim(dataDir, host(100, 'gw-b'));
    await elsewhere.track('s-4', '2026/01/02/s-4.cast');
    dead.add(100);

    const restarted = JumpInstanceFolder.claim(dataDir, host(300));
    const orphans = await restarted.findOrphans();
    // The neighbour (pid 200 runs) and the other host's folder are left alone, whatever their pids.
    expect(orphans.map((o) => [o.owner.instanceId, o.why, o.sessions])).toEqual([
      [crashed.instanceId, 'process 100 is gone', [{ sessionId: 's-1', relativePath: '2026/01/02/s-1.cast' }]],
    ]);
    await restarted.forget(orphans[0]);
    expect(fs.existsSync(crashed.dir)).toBe(false);
    expect(await restarted.findOrphans()).toEqual([]);
    expect(fs.existsSync(neighbour.dir)).toBe(true);
  });

  it('two jumps of one process (same pid) never take each other for orphans; a clean release leaves nothing', async () => {
    const a = JumpInstanceFolder.claim(dataDir, host(process.pid));
    await a.track('s-1', 'x/s-1.cast');
    const b = JumpInstanceFolder.claim(dataDir, host(process.pid));
    expect(await b.findOrphans()).toEqual([]);
    await a.untrack('s-1');
    await a.release();
    await b.release();
    expect(fs.readdirSync(path.join(dataDir, 'jump-instances'))).toEqual([]);
  });

  it('a release with an unsealed session leaves it for the next jump', async () => {
    const a = JumpInstanceFolder.claim(dataDir, host(process.pid));
    await a.track('s-1', 'x/s-1.cast');
    await a.release();
    const next = JumpInstanceFolder.claim(dataDir, host(process.pid)); // the same process boots a jump again
    expect((await next.findOrphans()).map((o) => o.sessions)).toEqual([[{ sessionId: 's-1', relativePath: 'x/s-1.cast' }]]);
  });

  it('a marker cut short by a crash still names its session; foreign or malformed entries are ignored', async () => {
    const crashed = JumpInstanceFolder.claim(dataDir, host(100));
    fs.writeFileSync(path.join(crashed.dir, 's-9.session'), '');
    fs.writeFileSync(path.join(crashed.dir, '..evil.session'), 'x');
    fs.mkdirSync(path.join(dataDir, 'jump-instances', 'no-owner'));
    fs.writeFileSync(path.join(dataDir, 'jump-instances', 'stray-file'), 'x');
    dead.add(100);
    const orphans = await JumpInstanceFolder.claim(dataDir, host(300)).findOrphans();
    expect(orphans.map((o) => o.sessions)).toEqual([[{ sessionId: 's-9', relativePath: null }]]);
    await expect(crashed.track('../../etc/passwd', 'x')).rejects.toThrow(RangeError);
  });

  it('keeps its files owner-only', async () => {
    const folder = JumpInstanceFolder.claim(dataDir, host(100));
    await folder.track('s-1', 'a/s-1.cast');
    expect(fs.statSync(folder.dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(folder.dir, 'owner.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(folder.dir, 's-1.session')).mode & 0o777).toBe(0o600);
  });
});
