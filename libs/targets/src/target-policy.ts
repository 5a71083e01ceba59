/** What a target allows beyond an interactive shell or a command; everything is off by default. */
export interface TargetPolicy {
  agentForwarding: boolean;
  portForwarding: boolean;
  x11: boolean;
  sftp: boolean;
  /** show a one-line notice in the user's terminal when someone starts or stops watching */
  announceWatching: boolean;
}

export const DEFAULT_TARGET_POLICY: TargetPolicy = {
  agentForwarding: false,
  portForwarding: false,
  x11: false,
  sftp: false,
  announceWatching: true,
};
