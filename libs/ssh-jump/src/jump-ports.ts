/**
 * The seams between the jump server and the gateway. The jump server owns the SSH protocol work;
 * everything that needs the database, the auth service or the session registry is asked for
 * through `JumpPorts`, which the gateway implements (tests implement it in memory).
 */

/** A Vigil user who authenticated to the jump server. Extra fields pass through untouched. */
export interface JumpUser {
  id: string;
  username: string;
  [extra: string]: unknown;
}

/** What a target allows beyond a plain shell/exec session. Everything defaults to refused. */
export interface JumpTargetPolicy {
  agentForwarding: boolean;
  /** Local (-L), remote (-R) and unix-socket forwarding. */
  portForwarding: boolean;
  x11: boolean;
  /**
   * The sftp subsystem, and the standard clients' scp over exec (`scp -t/-f`, recognised by name).
   * Alone this is no boundary: while `exec` is allowed, any command can start a transfer helper.
   */
  sftp: boolean;
  /**
   * Non-interactive sessions: exec requests, and shells without a PTY (a shell reading commands
   * from stdin is an exec). Default true. With `exec: false` only interactive terminals remain.
   */
  exec?: boolean;
  /** Tell the user (one line on their terminal) when somebody starts/stops watching. */
  announceWatching?: boolean;
  /** End the session when its recording fails (default true); off: it continues, unrecorded. */
  strictRecording?: boolean;
  /** Other subsystems (besides sftp) that may be relayed, e.g. `netconf`. Default: none. */
  subsystems?: string[];
}

/** A machine the user may jump to, with the stored account the jump logs in with. */
export interface JumpTarget {
  name: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Pinned host key, `SHA256:<base64>` as printed by ssh-keygen -l; null/undefined = not pinned yet. */
  hostKeySha256?: string | null;
  policy: JumpTargetPolicy;
}

export interface JumpPublicKey {
  /** Key algorithm as the client offered it, e.g. `ssh-ed25519`. */
  algo: string;
  /** The SSH wire-format public key blob (what `ssh-keygen -y` prints, base64-decoded). */
  data: Buffer;
}

/**
 * `subsystem` only happens when the policy allows one (e.g. sftp); `command` is its name.
 * `forward` is a connection's port forwarding (-L/-R/-W): no terminal; its channels are reported
 * through `forwardChannel`.
 */
export type JumpSessionKind = 'shell' | 'exec' | 'subsystem' | 'forward';

export interface JumpSessionStartInfo {
  user: JumpUser;
  target: JumpTarget;
  clientIp: string;
  clientPort: number;
  /** 0 when the client asked for no PTY. */
  cols: number;
  rows: number;
  /** Empty when the client asked for no PTY. */
  term: string;
  pty: boolean;
  kind: JumpSessionKind;
  command?: string;
  /** What the registry names as the session's client; default: the jump's host name. */
  client?: string;
}

export type JumpSessionEndReason = 'ended' | 'failed' | 'terminated';

export interface JumpSessionEndInfo {
  reason: JumpSessionEndReason;
  exitCode?: number;
  /** Signal name without the SIG prefix, e.g. `KILL`. */
  signal?: string;
  /** Human-readable detail for 'failed'/'terminated'. */
  message?: string;
}

/** What one forwarded channel (or -R listener) of a `forward` session is. */
export type JumpForwardKind = 'direct-tcpip' | 'direct-streamlocal' | 'forwarded-tcpip' | 'tcpip-forward';

/** A forwarded channel opened or closed. Addresses are what the user asked for, as given. */
export interface JumpForwardEvent {
  phase: 'open' | 'close';
  /** Numbers the channels of one session, from 1. */
  channel: number;
  kind: JumpForwardKind;
  username: string;
  /**
   * Where the data goes: `host:port` (or a socket path) on the target's side for -L/-W, the
   * user's side for connections arriving at a -R listener; the listener itself for `tcpip-forward`.
   */
  destination: string;
  /** Who connected, `host:port`, when known. */
  origin?: string;
  /** On close: bytes carried each way and how long the channel lived. */
  bytesToTarget?: number;
  bytesFromTarget?: number;
  durationMs?: number;
}

/** Why a login was refused, as its audit record's errorCode says it. */
export type JumpLoginRefusal = 'InvalidLoginName' | 'InvalidCredentials' | 'InvalidSignature' | 'TargetNotAllowed' | 'TargetUnreachable' | 'AuditUnavailable';

/**
 * A login to the jump, accepted or refused. Refusals while the password throttle holds the
 * account are not reported one by one (a flood would flood the audit trail), nor are the
 * client's probes (`none`, "would this key do?").
 */
export interface JumpLoginEvent {
  /** the Vigil username as typed (refusals) or the account's (accepted) */
  username: string;
  target: string;
  method: 'password' | 'publickey' | 'login-name';
  clientIp: string;
  clientPort: number;
  /** the client's SSH identification string, e.g. `SSH-2.0-OpenSSH_9.6p1` */
  clientSoftware?: string;
  accepted: boolean;
  refusal?: JumpLoginRefusal;
  /** what the user was told, for a refusal */
  message?: string;
}

export interface JumpPorts {
  /** Checks a Vigil password. Return null for a wrong password or unknown user. */
  authenticatePassword(username: string, password: string, clientIp: string): Promise<JumpUser | null>;
  /**
   * Says whether `key` is registered for `username`. The jump server verifies the signature
   * itself; this is only the registration lookup (it is also asked for the unsigned probe).
   */
  authenticatePublicKey(username: string, key: JumpPublicKey, clientIp: string): Promise<JumpUser | null>;
  /** The target `targetName` as `user` may use it, or null if unknown or not allowed. */
  resolveTarget(user: JumpUser, targetName: string): Promise<JumpTarget | null>;
  /** Trust on first use: records the fingerprint seen on the first connection to a target. */
  pinHostKey(targetName: string, sha256Fingerprint: string): Promise<void>;
  /**
   * A shell/exec started. No user data flows until this resolves, so taps attached from the
   * JumpServer 'session' event see every byte. Rejecting refuses the session.
   */
  sessionStarted(info: JumpSessionStartInfo): Promise<{ sessionId: string }>;
  /** Called exactly once per started session. */
  sessionEnded(sessionId: string, info: JumpSessionEndInfo): Promise<void>;
  /**
   * A channel of a `forward` session opened or closed: audit it, note it in the recording. The
   * gateway's adapter implements it; optional only so protocol-level test doubles may skip it.
   */
  forwardChannel?(sessionId: string, event: JumpForwardEvent): Promise<void>;
  /**
   * A login accepted or refused: audit it. An accepted login waits for this and is refused if it
   * rejects (no access without its record). Optional so protocol-level test doubles may skip it.
   */
  loginAttempt?(event: JumpLoginEvent): Promise<void>;
}

/** Optional logger; never receives secrets. Matches Nest's LoggerService shape loosely. */
export interface JumpLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
