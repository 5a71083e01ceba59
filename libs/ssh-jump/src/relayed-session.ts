import type { ClientChannel } from 'ssh2';
import type { JumpClock } from './jump-clock';
import type { JumpLogger, JumpPorts, JumpSessionStartInfo } from './jump-ports';
import { type EarlyUpstreamEnd, type ExitStatus, LiveSshSession } from './live-ssh-session';
import { errorMessage } from './upstream-connect';
import type { UserChannel } from './user-channel';

/** What registering and relaying a session needs from whoever carries the user's side. */
export interface RelayedSessionDeps {
  ports: Pick<JumpPorts, 'sessionStarted' | 'sessionEnded'>;
  logger?: JumpLogger;
  /** timers (default: the system clock) */
  clock?: JumpClock;
  /** Ends what carries the user's side (their SSH connection, their browser socket). */
  closeConnection(): void;
  /** The gateway's chance to attach taps (recording, live hub) before the first byte flows. */
  sessionOpened(session: LiveSshSession): void;
  sessionClosed(session: LiveSshSession): void;
}

/**
 * The one path from an opened target channel to a running, registered session, shared by the SSH
 * jump (SessionRelay) and the browser terminal: the target's output waits (within its SSH window)
 * while the registry is told, its exit and close are noted meanwhile, then the relay starts with
 * every tap attached. Resolves with the session, or null when the registry refused it (the target
 * channel is closed then; the caller tells the user).
 */
export async function startRelayedSession(
  user: UserChannel,
  upstream: ClientChannel,
  info: JumpSessionStartInfo,
  deps: RelayedSessionDeps,
): Promise<LiveSshSession | null> {
  upstream.pause();
  upstream.stderr.pause();
  const early: EarlyUpstreamEnd = {};
  const noteExit = (...status: ExitStatus): void => void (early.exit = status);
  const noteClose = (): void => void (early.closed = true);
  upstream.on('exit', noteExit);
  upstream.once('close', noteClose);
  const stopNoting = (): void => {
    upstream.off('exit', noteExit);
    upstream.off('close', noteClose);
  };

  let sessionId: string;
  try {
    ({ sessionId } = await deps.ports.sessionStarted(info));
  } catch (err) {
    stopNoting();
    deps.logger?.error(`sessionStarted failed for ${info.user.username}@${info.target.name}: ${errorMessage(err)}`);
    upstream.close();
    return null;
  }

  const live = new LiveSshSession(sessionId, info, user, upstream, {
    logger: deps.logger,
    clock: deps.clock,
    closeConnection: deps.closeConnection,
    ended: (end) => {
      deps.sessionClosed(live);
      deps.ports.sessionEnded(sessionId, end).catch((err: unknown) =>
        deps.logger?.error(`sessionEnded failed for session ${sessionId}: ${errorMessage(err)}`),
      );
    },
  });
  deps.sessionOpened(live);
  stopNoting();
  live.start(early);
  upstream.resume();
  upstream.stderr.resume();
  return live;
}
