/** What a target allows beyond an interactive terminal session; all off by default but `exec` (and the notices). */
export interface TargetPolicy {
  agentForwarding: boolean;
  portForwarding: boolean;
  x11: boolean;
  /**
   * the sftp subsystem and the standard clients' scp; no boundary on its own while `exec` is on
   * (any command can start a transfer helper: `sftp -s /usr/lib/openssh/sftp-server`)
   */
  sftp: boolean;
  /**
   * non-interactive sessions: commands (exec, scp's and sftp-server's included, however wrapped)
   * and shells without a terminal; off leaves only interactive terminal sessions
   */
  exec: boolean;
  /** show a one-line notice in the user's terminal when someone starts or stops watching */
  announceWatching: boolean;
  /** end the session (reason failed) when its recording can no longer be written; off: continue, audited, marked incomplete */
  strictRecording: boolean;
}

export const DEFAULT_TARGET_POLICY: TargetPolicy = {
  agentForwarding: false,
  portForwarding: false,
  x11: false,
  sftp: false,
  // on by default: `ssh target command` is the everyday use; turn it off with sftp to close file transfer
  exec: true,
  announceWatching: true,
  strictRecording: true,
};
