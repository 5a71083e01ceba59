/** Errors the SDK raises itself (transport failures are TransportError, see transport.ts). */

/** The on-disk queue holds its maximum of pending items: nothing more is accepted until it drains. */
export class QueueFullError extends Error {
  constructor(
    readonly queueDir: string,
    readonly maxItems: number,
  ) {
    super(`Vigil agent queue is full (${maxItems} pending items in ${queueDir}): the gateway has been unreachable for long; nothing more is queued until it drains`);
    this.name = 'QueueFullError';
  }
}

/** `end`/`heartbeat` named an externalId this agent never opened (or already ended). */
export class UnknownSessionError extends Error {
  constructor(readonly externalId: string) {
    super(`no open session with externalId ${JSON.stringify(externalId)} is known to this agent's queue`);
    this.name = 'UnknownSessionError';
  }
}

/** Another process holds the queue lock for longer than we wait. */
export class QueueLockedError extends Error {
  constructor(readonly lockPath: string) {
    super(`the agent queue is locked by another process (${lockPath})`);
    this.name = 'QueueLockedError';
  }
}
