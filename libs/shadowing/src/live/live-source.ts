/** What a live session's origin (the SSH jump today) lets the hub do to it. */
export interface LiveSource {
  readonly kind: 'ssh';
  /** a viewer's keystrokes, sent to the target as if typed by the user; `by` (the viewer) is recorded with them */
  injectInput(data: Buffer, by: string): void;
  /** drop (true) or pass (false) the user's own keystrokes */
  setUserInputPaused(paused: boolean): void;
  /** a one-line notice on the user's terminal */
  notifyUser(line: string): void;
  /** show the reason to the user and close the connection */
  terminate(reason: string): void;
}

export interface LiveSessionInfo {
  sessionId: string;
  owner: string;
  user: string;
  cols: number;
  rows: number;
  /** tell the user when someone starts or stops watching (target policy) */
  announceWatching: boolean;
  /** absolute path of the recording being written, for playback while live (DVR) */
  recordingFile: string | null;
}

/** What the origin calls to feed the hub. Cheap, synchronous, never blocks the user's data path. */
export interface LiveFeed {
  output(chunk: Buffer): void;
  resize(cols: number, rows: number): void;
  close(reason: string): void;
}
