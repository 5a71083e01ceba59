/** What `vigil-agent` exits with; scripts (the PAM hook) rely on these. Documented in README.md. */
export const EXIT = {
  /** done: sent to the gateway (or, for status, read) */
  OK: 0,
  /** an unexpected failure (a bug, a disk error) */
  INTERNAL: 1,
  /** bad command line or configuration: nothing was queued */
  USAGE: 2,
  /** the gateway is unreachable: the operation is kept in the queue and replayed later */
  QUEUED: 3,
  /** the gateway refused it (wrong token, invalid field): fix the input, retrying will not help */
  REFUSED: 4,
  /** end/heartbeat of a session this agent's queue does not know */
  UNKNOWN_SESSION: 5,
  /** the queue holds its maximum: nothing more is accepted until it drains */
  QUEUE_FULL: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
