import type { ControlLockState, ViewerMode } from '../control-lock';

export interface ViewerInfo {
  viewerId: string;
  username: string;
  mode: ViewerMode;
  since: string;
}

interface Attached {
  ok: true;
  sessionId: string;
  viewers: ViewerInfo[];
  control: ControlLockState;
  /** this viewer's id in `viewers` and in the control lock */
  viewerId: string;
}

/** attached to a terminal (SSH) session: the screen to start from, then `output` events */
export interface SshAttachAck extends Attached {
  kind: 'ssh';
  cols: number;
  rows: number;
  /** the terminal as it is now; `output` events received before this ack come after it */
  screen: string;
}

/**
 * attached to a desktop (RDP/VNC) session: open the Guacamole tunnel `tunnel` with `token`
 * (single-use, short-lived, read-only for `view`); guacd sends the current screen on join.
 */
export interface RdpAttachAck extends Attached {
  kind: 'rdp';
  tunnel: string;
  token: string;
}

export type AttachAck = SshAttachAck | RdpAttachAck | { ok: false; error: string };

export type ActionAck = { ok: true } | { ok: false; error: string };

export const CONTROL_ACTIONS = ['take', 'handback', 'pause-user', 'resume-user'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** viewer → server */
export interface LiveClientEvents {
  attach: (payload: { sessionId: string; mode: ViewerMode }, ack: (result: AttachAck) => void) => void;
  input: (payload: { sessionId: string; data: string }, ack?: (result: ActionAck) => void) => void;
  control: (payload: { sessionId: string; action: ControlAction; force?: boolean }, ack?: (result: ActionAck) => void) => void;
  terminate: (payload: { sessionId: string; reason: string }, ack?: (result: ActionAck) => void) => void;
  detach: (payload: { sessionId: string }, ack?: (result: ActionAck) => void) => void;
}

/** server → viewer */
export interface LiveServerEvents {
  output: (payload: { sessionId: string; data: string }) => void;
  resize: (payload: { sessionId: string; cols: number; rows: number }) => void;
  /** the viewer fell behind and skipped output: reset the terminal to this screen */
  resync: (payload: { sessionId: string; cols: number; rows: number; screen: string }) => void;
  viewers: (payload: { sessionId: string; viewers: ViewerInfo[] }) => void;
  control: (payload: { sessionId: string; control: ControlLockState }) => void;
  ended: (payload: { sessionId: string; reason: string }) => void;
  error: (payload: { error: string }) => void;
  /** the socket's token expired or was revoked (logout, account disabled...): the server closes it next */
  revoked: (payload: { reason: string; error: string }) => void;
}
