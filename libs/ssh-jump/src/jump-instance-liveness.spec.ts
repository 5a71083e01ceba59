import { JumpInstanceOwner, LivenessContext, orphanVerdict, processExists } from './jump-instance-liveness';

describe('orphanVerdict', () => {
  const owner: JumpInstanceOwner = { instanceId: 'i-1', hostname: 'gw-a', pid: 4242, bootId: 'boot-1' };
  const alive = new Set<number>([4242, 7]);
  const probed: number[] = [];
  const here = (overrides: Partial<LivenessContext> = {}): LivenessContext => ({
    hostname: 'gw-a',
    pid: 7,
    bootId: 'boot-1',
    claimedHere: new Set(),
    processExists: (pid) => {
      probed.push(pid);
      return alive.has(pid);
    },
    ...overrides,
  });

  beforeEach(() => (probed.length = 0));

  it('never takes a live neighbour on the same host for dead, nor another host', () => {
    expect(orphanVerdict(owner, here())).toEqual({ orphaned: false, why: 'process 4242 is running' });
    expect(probed).toEqual([4242]);
    expect(orphanVerdict(owner, here({ hostname: 'gw-b', processExists: () => false })).orphaned).toBe(false);
  });

  it('a folder claimed by a jump of this process is alive, even with our own pid', () => {
    const ours = { ...owner, pid: 7 };
    expect(orphanVerdict(ours, here({ claimedHere: new Set(['i-1']) })).orphaned).toBe(false);
  });

  it('is orphaned when its process is gone, the host rebooted, or a restart reused its pid', () => {
    expect(orphanVerdict(owner, here({ processExists: () => false }))).toEqual({ orphaned: true, why: 'process 4242 is gone' });
    expect(orphanVerdict(owner, here({ bootId: 'boot-2' }))).toEqual({ orphaned: true, why: 'the host rebooted since' });
    expect(probed).toEqual([]); // a reboot is decided without probing a pid that may be reused
    expect(orphanVerdict({ ...owner, pid: 7 }, here())).toEqual({ orphaned: true, why: 'its process was restarted with the same pid' });
    // no boot id on either side: decided by the pid alone
    expect(orphanVerdict({ ...owner, bootId: '' }, here({ bootId: 'boot-2' })).orphaned).toBe(false);
  });

  it('processExists probes real pids without signalling them', () => {
    expect(processExists(process.pid)).toBe(true);
    expect(processExists(0)).toBe(false);
    expect(processExists(-1)).toBe(false);
    expect(processExists(2 ** 22 + 12345)).toBe(false); // above Linux's pid_max
  });
});
