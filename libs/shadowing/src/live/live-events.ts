import type { ControlLockState, ViewerMode } from '../control-lock';

export interface ViewerInfo {
  viewerId: string;
  username: string;
  mode: ViewerMode;
  since: string;
  /** present only for a wall thumbnail (always mode `view`: it sees the screen, never types or takes control) */
  via?: 'wall';
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

/** subscribed to a session's thumbnail (the wall): `thumbnail` events follow, the first within a second */
export type ThumbnailAck = { ok: true; sessionId: string } | { ok: false; error: string };

export const CONTROL_ACTIONS = ['take', 'handback', 'pause-user', 'resume-user', 'request', 'grant', 'deny'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
/** the actions that answer a request: they name the requester (`to`, its viewer id) */
export const ANSWER_ACTIONS = ['grant', 'deny'] as const;

/** what a control action carries besides its name */
export interface ControlOptions {
  /** take over from another holder (admins) */
  force?: boolean;
  /** grant/deny: the requesting viewer's id */
  to?: string;
}

/** A message to the session's user is one short line. */
export const MAX_MESSAGE_CHARS = 200;

/** viewer → server */
export interface LiveClientEvents {
  attach: (payload: { sessionId: string; mode: ViewerMode }, ack: (result: AttachAck) => void) => void;
  input: (payload: { sessionId: string; data: string }, ack?: (result: ActionAck) => void) => void;
  control: (payload: { sessionId: string; action: ControlAction; force?: boolean; to?: string }, ack?: (result: ActionAck) => void) => void;
  /** one line to the session's user (their terminal, or a notice in their desktop tunnel) */
  message: (payload: { sessionId: string; text: string }, ack?: (result: ActionAck) => void) => void;
  terminate: (payload: { sessionId: string; reason: string }, ack?: (result: ActionAck) => void) => void;
  detach: (payload: { sessionId: string }, ack?: (result: ActionAck) => void) => void;
  /** the wall: the session's visible screen at most once a second, only when it changed (a watch: audited as one) */
  'thumbnail-subscribe': (payload: { sessionId: string }, ack: (result: ThumbnailAck) => void) => void;
  'thumbnail-unsubscribe': (payload: { sessionId: string }, ack?: (result: ActionAck) => void) => void;
}

/** server → viewer */
export interface LiveServerEvents {
  output: (payload: { sessionId: string; data: string }) => void;
  resize: (payload: { sessionId: string; cols: number; rows: number }) => void;
  /** the viewer fell behind and skipped output: reset the terminal to this screen */
  resync: (payload: { sessionId: string; cols: number; rows: number; screen: string }) => void;
  viewers: (payload: { sessionId: string; viewers: ViewerInfo[] }) => void;
  /** a subscribed thumbnail's visible screen (no scrollback), exact: reset a small terminal to it */
  thumbnail: (payload: { sessionId: string; cols: number; rows: number; screen: string }) => void;
  control: (payload: { sessionId: string; control: ControlLockState }) => void;
  ended: (payload: { sessionId: string; reason: string }) => void;
  /** to the holder and the admin viewers: `from` (a viewer id) asks for control; answer with grant/deny before it lapses */
  'control-request': (payload: { sessionId: string; from: string; username: string; expiresInMs: number }) => void;
  /** to the requester and whoever was asked: the request was granted or denied */
  'control-request-closed': (payload: { sessionId: string; from: string; outcome: 'granted' | 'denied'; by: string }) => void;
  error: (payload: { error: string }) => void;
  /** the socket's token expired or was revoked (logout, account disabled...): the server closes it next */
  revoked: (payload: { reason: string; error: string }) => void;
}
