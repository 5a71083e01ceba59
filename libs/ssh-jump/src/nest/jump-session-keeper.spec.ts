import { LiveHub, SshLiveSource } from '@vigil/shadowing';
import type { AccessLogService } from '@vigil/access-log';
import type { VigilConfig } from '@vigil/config';
import type { SessionDirectory } from '@vigil/sessions';
import type { JumpPortsAdapter } from './jump-ports.adapter';
import type { JumpService } from './jump.service';
import { JumpSessionKeeper } from './jump-session-keeper';

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** The keeper with fakes around it; timers are fake, so only a push can make it look before its poll. */
function setUp(openInRegistry: Set<string>) {
  const terminated: string[] = [];
  const handle = { id: 's-1', ended: false, terminate: (reason: string) => void terminated.push(`handle: ${reason}`) };
  const hub = new LiveHub();
  const lookups: string[][] = [];
  const keeper = new JumpSessionKeeper(
    { heartbeatTimeoutMs: 60_000 } as VigilConfig,
    { liveSessions: () => [handle] } as unknown as JumpService,
    { heartbeat: async () => undefined } as unknown as JumpPortsAdapter,
    {
      stillOpen: async (ids: string[]) => {
        lookups.push(ids);
        return new Set(ids.filter((id) => openInRegistry.has(id)));
      },
    } as unknown as SessionDirectory,
    { findVisible: async (id: string) => ({ id, endReason: 'terminated', endedBy: 'admin', endMessage: 'pushed' }) } as unknown as AccessLogService,
    hub,
  );
  return { keeper, hub, handle, terminated, lookups };
}

describe('JumpSessionKeeper: sessions ended elsewhere', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a pushed end is looked up at once and closes the session through the hub: the same notice as an in-process terminate', async () => {
    const t = setUp(new Set());
    const source: SshLiveSource = {
      kind: 'ssh',
      size: { cols: 80, rows: 24 },
      injectInput: () => undefined,
      setUserInputPaused: () => undefined,
      notifyUser: () => undefined,
      terminate: (reason) => void t.terminated.push(`source: ${reason}`),
    };
    t.hub.open({ sessionId: 's-1', owner: 'alice', user: 'alice', announceWatching: false, recordingFile: null }, source);
    t.keeper.onApplicationBootstrap();
    t.hub.endedElsewhere('s-1');
    await flush();
    expect(t.lookups).toEqual([['s-1']]);
    // through the source (which echoes the notice into the recording and the mirror), not the bare handle
    expect(t.terminated).toEqual(['source: Session terminated by admin: pushed']);
    expect(t.hub.get('s-1')).toBeUndefined();
    t.keeper.onModuleDestroy();
    t.hub.onModuleDestroy();
  });

  it('a session not watchable here (no live view) is terminated on its handle with the notice', async () => {
    const t = setUp(new Set());
    t.keeper.onApplicationBootstrap();
    t.hub.endedElsewhere('s-1');
    await flush();
    expect(t.terminated).toEqual(['handle: Session terminated by admin: pushed']);
    t.keeper.onModuleDestroy();
    t.hub.onModuleDestroy();
  });

  it('a forged or early push closes nothing the registry still has open; one for a session not running here costs no lookup', async () => {
    const t = setUp(new Set(['s-1']));
    t.keeper.onApplicationBootstrap();
    t.hub.endedElsewhere('s-1');
    for (let i = 0; i < 100; i++) t.hub.endedElsewhere(`other-${i}`);
    await flush();
    expect(t.terminated).toEqual([]);
    expect(t.lookups).toEqual([['s-1']]);
    t.keeper.onModuleDestroy();
    t.hub.onModuleDestroy();
  });

  it('pushes during a lookup are coalesced into one more lookup after it, never dropped', async () => {
    const t = setUp(new Set(['s-1']));
    t.keeper.onApplicationBootstrap();
    for (let i = 0; i < 50; i++) t.hub.endedElsewhere('s-1');
    await flush();
    expect(t.lookups).toHaveLength(2);
    t.keeper.onModuleDestroy();
    t.hub.onModuleDestroy();
  });

  it('without a push it still finds the end at its poll (the fallback for a lost message)', async () => {
    const t = setUp(new Set());
    t.keeper.onApplicationBootstrap();
    await flush();
    expect(t.lookups).toEqual([]);
    jest.advanceTimersByTime(400);
    await flush();
    expect(t.terminated).toEqual(['handle: Session terminated by admin: pushed']);
    t.keeper.onModuleDestroy();
    t.hub.onModuleDestroy();
  });
});
