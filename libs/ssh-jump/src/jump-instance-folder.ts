import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JumpInstanceOwner, orphanVerdict, processExists } from './jump-instance-liveness';

/** A session this jump carries, and where its recording is (relative to the recordings folder). */
export interface TrackedSession {
  sessionId: string;
  /** null when the marker was cut short by a crash: the session is known, its recording is not */
  relativePath: string | null;
}

/** The folder of a jump process that is gone, with the sessions it left open. */
export interface OrphanInstance {
  owner: JumpInstanceOwner;
  dir: string;
  why: string;
  sessions: TrackedSession[];
}

/** The process a folder is claimed from (injected by tests, which play several processes). */
export interface InstanceHost {
  hostname: string;
  pid: number;
  bootId: string;
  processExists(pid: number): boolean;
  /** instance ids claimed by the jumps running in this process */
  claimed: Set<string>;
}

const OWNER_FILE = 'owner.json';
const SESSION_SUFFIX = '.session';
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Recordings name every user's sessions: like them, these files are the service account's only. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Instance ids of the jumps running in this process (e2e tests run several gateways in one). */
const claimedInThisProcess = new Set<string>();

/**
 * `VIGIL_DATA_DIR/jump-instances/<instance id>/`: who this jump process is (`owner.json`: host, pid,
 * boot id) and one small file per session it carries whose recording is not sealed yet. A clean
 * shutdown removes the folder. After a crash it stays, and the next jump process on this host
 * finds it (`findOrphans`), ends those sessions and seals their recordings: the sessions of this
 * process's predecessor, and never those of a jump that still runs beside it.
 */
export class JumpInstanceFolder {
  private constructor(
    readonly instanceId: string,
    readonly dir: string,
    private readonly root: string,
    private readonly host: InstanceHost,
  ) {}

  /** Claims a new folder for this process (synchronously, once at boot). */
  static claim(dataDir: string, host: InstanceHost = thisHost()): JumpInstanceFolder {
    const root = path.join(dataDir, 'jump-instances');
    const instanceId = randomUUID();
    const dir = path.join(root, instanceId);
    fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const owner: JumpInstanceOwner = { instanceId, hostname: host.hostname, pid: host.pid, bootId: host.bootId };
    // Written whole then renamed: a crash mid-write never leaves a folder without a readable owner.
    const tmp = path.join(dir, `${OWNER_FILE}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(owner), { mode: FILE_MODE });
    fs.renameSync(tmp, path.join(dir, OWNER_FILE));
    host.claimed.add(instanceId);
    return new JumpInstanceFolder(instanceId, dir, root, host);
  }

  /** Notes a session before its recording is created, so a crash from then on leaves its trace. */
  async track(sessionId: string, relativePath: string): Promise<void> {
    await fs.promises.writeFile(this.sessionFile(sessionId), relativePath, { mode: FILE_MODE });
  }

  /** The session's recording is sealed (or definitively failed): nothing to recover for it. */
  async untrack(sessionId: string): Promise<void> {
    await fs.promises.rm(this.sessionFile(sessionId), { force: true });
  }

  /** Folders of jump processes on this host that are certainly gone, with their sessions. */
  async findOrphans(): Promise<OrphanInstance[]> {
    const names = await fs.promises.readdir(this.root).catch(() => [] as string[]);
    const orphans: OrphanInstance[] = [];
    for (const name of names) {
      if (name === this.instanceId || !SAFE_ID.test(name)) continue;
      const dir = path.join(this.root, name);
      const owner = await readOwner(dir);
      if (!owner) continue; // not a jump folder, or another process is creating it right now
      const verdict = orphanVerdict(owner, { ...this.host, claimedHere: this.host.claimed });
      if (verdict.orphaned) orphans.push({ owner, dir, why: verdict.why, sessions: await readSessions(dir) });
    }
    return orphans;
  }

  /** Removes an orphan's folder once every session of it was recovered. */
  async forget(orphan: OrphanInstance): Promise<void> {
    await fs.promises.rm(orphan.dir, { recursive: true, force: true });
  }

  /**
   * Clean shutdown. With every recording sealed the folder goes; a session whose seal failed
   * (say, the database went first) stays for the next jump on this host to recover.
   */
  async release(): Promise<void> {
    this.host.claimed.delete(this.instanceId);
    const left = (await readSessions(this.dir).catch(() => [])).length;
    if (left === 0) await fs.promises.rm(this.dir, { recursive: true, force: true });
  }

  private sessionFile(sessionId: string): string {
    if (!SAFE_ID.test(sessionId)) throw new RangeError(`unsafe session id: ${JSON.stringify(sessionId)}`);
    return path.join(this.dir, `${sessionId}${SESSION_SUFFIX}`);
  }
}

function thisHost(): InstanceHost {
  let bootId = '';
  try {
    bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // not Linux: the pid check alone decides
  }
  return { hostname: os.hostname(), pid: process.pid, bootId, processExists, claimed: claimedInThisProcess };
}

async function readOwner(dir: string): Promise<JumpInstanceOwner | null> {
  try {
    const value = JSON.parse(await fs.promises.readFile(path.join(dir, OWNER_FILE), 'utf8')) as Partial<JumpInstanceOwner>;
    if (typeof value.instanceId !== 'string' || typeof value.hostname !== 'string' || typeof value.pid !== 'number') return null;
    return { instanceId: value.instanceId, hostname: value.hostname, pid: value.pid, bootId: typeof value.bootId === 'string' ? value.bootId : '' };
  } catch {
    return null;
  }
}

async function readSessions(dir: string): Promise<TrackedSession[]> {
  const sessions: TrackedSession[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    if (!name.endsWith(SESSION_SUFFIX)) continue;
    const sessionId = name.slice(0, -SESSION_SUFFIX.length);
    if (!SAFE_ID.test(sessionId)) continue;
    const content = (await fs.promises.readFile(path.join(dir, name), 'utf8').catch(() => '')).trim();
    sessions.push({ sessionId, relativePath: content.length > 0 ? content : null });
  }
  return sessions;
}
