/** What a notice to the user is about (a desktop tunnel carries it as the `vigil-notice` instruction's first argument). */
export type LiveNoticeKind = 'watching' | 'left' | 'control' | 'paused' | 'resumed' | 'ended' | 'message';

/** What every live session's origin lets the core do to it, whatever the protocol. */
interface LiveSourceControls {
  /** drop (true) or pass (false) the user's own input */
  setUserInputPaused(paused: boolean): void;
  /** a one-line notice shown to the user (and written into the recording where the protocol allows); `kind` says what it is about (none: someone watches) */
  notifyUser(line: string, kind?: LiveNoticeKind): void;
  /** show the reason to the user and close the connection */
  terminate(reason: string): void;
}

/** A terminal session (the SSH jump): viewers' keystrokes go through /live `input`. */
export interface SshLiveSource extends LiveSourceControls {
  readonly kind: 'ssh';
  /** the terminal's size when the session is opened to viewers */
  readonly size: { cols: number; rows: number };
  /** a viewer's keystrokes, sent to the target as if typed by the user; `by` (the viewer) is recorded with them */
  injectInput(data: Buffer, by: string): void;
}

/**
 * A desktop session (RDP/VNC through guacd): viewers join the user's guacd connection with a
 * token (GuacamoleStream); their input goes through the tunnel, which asks LiveHub.mayType.
 */
export interface RdpLiveSource extends LiveSourceControls {
  readonly kind: 'rdp';
}

/** What a live session's origin lets the hub do to it. */
export type LiveSource = SshLiveSource | RdpLiveSource;

export interface LiveSessionInfo {
  sessionId: string;
  owner: string;
  user: string;
  /** tell the user when someone starts or stops watching (target policy) */
  announceWatching: boolean;
  /** absolute path of the recording being written, for playback while live (DVR) */
  recordingFile: string | null;
}

/** What every origin calls to end its live view. */
export interface LiveFeed {
  close(reason: string): void;
}

/** What a terminal origin calls to feed the hub. Cheap, synchronous, never blocks the user's data path. */
export interface TerminalFeed extends LiveFeed {
  output(chunk: Buffer): void;
  resize(cols: number, rows: number): void;
}
