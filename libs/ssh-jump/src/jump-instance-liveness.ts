/**
 * Whose unsealed recordings are these? Every jump process (the gateway's embedded jump, the
 * standalone jump) keeps a folder in the data folder naming the process that runs it and the
 * sessions it carries. Several processes may share one data folder (a gateway and the standalone
 * jump on one SQLite file; gateways on a shared volume), and each must recover only the sessions of
 * a process that is certainly gone: never a live neighbour's.
 */
export interface JumpInstanceOwner {
  instanceId: string;
  hostname: string;
  pid: number;
  /** the kernel's boot id when the process started ('' where there is none) */
  bootId: string;
}

export interface LivenessContext {
  hostname: string;
  pid: number;
  bootId: string;
  /** instance ids claimed by jumps running in this very process (tests run several gateways in one) */
  claimedHere: ReadonlySet<string>;
  /** whether a process with this pid exists on this host now */
  processExists(pid: number): boolean;
}

export type OrphanVerdict = { orphaned: true; why: string } | { orphaned: false; why: string };

/**
 * A folder is orphaned when its process is certainly dead: on this host (another host's process
 * cannot be checked from here; it recovers its own), and either the host rebooted since, or no
 * process has its pid, or its pid is ours while no jump of ours claimed it (a container restarted:
 * the new process got the old one's pid). A pid that exists is taken as alive even if it was
 * reused by an unrelated process: the sessions then time out as before, nothing is wrongly ended.
 */
export function orphanVerdict(owner: JumpInstanceOwner, here: LivenessContext): OrphanVerdict {
  if (owner.hostname !== here.hostname) return { orphaned: false, why: `runs on another host (${owner.hostname})` };
  if (here.claimedHere.has(owner.instanceId)) return { orphaned: false, why: 'a jump of this process runs it' };
  if (owner.bootId !== '' && here.bootId !== '' && owner.bootId !== here.bootId) return { orphaned: true, why: 'the host rebooted since' };
  if (owner.pid === here.pid) return { orphaned: true, why: 'its process was restarted with the same pid' };
  if (!here.processExists(owner.pid)) return { orphaned: true, why: `process ${owner.pid} is gone` };
  return { orphaned: false, why: `process ${owner.pid} is running` };
}

/** process.kill(pid, 0) probes without signalling: ESRCH = no such process; EPERM = exists, not ours. */
export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
