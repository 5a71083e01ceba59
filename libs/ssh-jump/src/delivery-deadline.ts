import type { JumpClock } from './jump-clock';
import type { UserChannel } from './user-channel';

/**
 * A client that takes nothing for this long after Vigil ended its session is cut. Long, because a
 * client's reading is seen only in steps: OpenSSH grants more window after it has written out half
 * of its 2 MiB one, so a client reading 512 KiB/s shows progress every ~2 s. 10 s keeps readers
 * down to ~100 KiB/s connected until the notice reaches them.
 */
export const STALLED_USER_CUT_MS = 10_000;
/** However steadily a client reads, its connection is cut this long after Vigil ended its session. */
export const DELIVERY_CAP_MS = 30_000;
const POLL_MS = 250;

export interface DeliveryDeadlineOptions {
  clock: JumpClock;
  stalledMs?: number;
  capMs?: number;
  pollMs?: number;
}

/**
 * A reading of how far the user's client has taken what was written to it: it changes whenever the
 * client takes bytes. Queued bytes (the channel's write buffers) fall as they leave; an ssh2
 * channel's send window grows as the client reads what was sent (its WINDOW_ADJUST), so a client
 * still reading the last window's worth is seen reading too.
 */
export function deliveryMark(user: UserChannel): string {
  const window = (user as { outgoing?: { window?: unknown } }).outgoing?.window;
  return `${user.writableLength}/${user.stderr.writableLength}/${typeof window === 'number' ? window : '-'}`;
}

/**
 * After Vigil ended a session with a notice, calls `cut` (close the user's connection) once their
 * channel has closed, so everything ahead of the notice and the notice itself were delivered; or
 * once their client has taken nothing for `stalledMs` (it stopped reading); or after `capMs` at the
 * latest. A slow but steady reader (a loaded machine, a slow link behind megabytes of output) is
 * not cut before the notice reaches it: a fixed deadline did, now and then.
 */
export function cutWhenDelivered(user: UserChannel, cut: () => void, options: DeliveryDeadlineOptions): void {
  const { clock } = options;
  const stalledMs = options.stalledMs ?? STALLED_USER_CUT_MS;
  const capMs = options.capMs ?? DELIVERY_CAP_MS;
  const pollMs = options.pollMs ?? POLL_MS;
  let done = false;
  let cancelPoll = (): void => {};
  const finish = (): void => {
    if (done) return;
    done = true;
    cancelPoll();
    user.off('close', finish);
    cut();
  };
  if (user.closed) return finish();
  user.once('close', finish);

  const startedAt = clock.now();
  let mark = deliveryMark(user);
  let progressAt = startedAt;
  const poll = (): void => {
    const now = clock.now();
    const current = deliveryMark(user);
    if (current !== mark) {
      mark = current;
      progressAt = now;
    }
    if (now - progressAt >= stalledMs || now - startedAt >= capMs) return finish();
    cancelPoll = clock.schedule(poll, pollMs);
  };
  cancelPoll = clock.schedule(poll, pollMs);
}
