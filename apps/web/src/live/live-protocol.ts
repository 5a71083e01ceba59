/** Wire shapes of the socket.io `/live` namespace (mirrors libs/shadowing/src/live/live-events.ts). */

export type ViewerMode = 'view' | 'interact';

export interface ViewerInfo {
  viewerId: string;
  username: string;
  mode: ViewerMode;
  since: string;
}

export interface ControlState {
  /** viewerId holding the input lock, or null */
  holder: string | null;
  userPaused: boolean;
  pausedBy: string | null;
  interactiveViewers: string[];
}

export type AttachAck =
  | {
      ok: true;
      kind: 'ssh';
      sessionId: string;
      cols: number;
      rows: number;
      screen: string;
      viewers: ViewerInfo[];
      control: ControlState;
      viewerId: string;
    }
  | { ok: false; error: string };

export type ActionAck = { ok: true } | { ok: false; error: string };

export type ControlAction = 'take' | 'handback' | 'pause-user' | 'resume-user';

export interface LiveClientEvents {
  attach: (payload: { sessionId: string; mode: ViewerMode }, ack: (result: AttachAck) => void) => void;
  input: (payload: { sessionId: string; data: string }, ack: (result: ActionAck) => void) => void;
  control: (payload: { sessionId: string; action: ControlAction; force?: boolean }, ack: (result: ActionAck) => void) => void;
  terminate: (payload: { sessionId: string; reason: string }, ack: (result: ActionAck) => void) => void;
  detach: (payload: { sessionId: string }, ack: (result: ActionAck) => void) => void;
}

export interface LiveServerEvents {
  output: (payload: { sessionId: string; data: string }) => void;
  resize: (payload: { sessionId: string; cols: number; rows: number }) => void;
  resync: (payload: { sessionId: string; cols: number; rows: number; screen: string }) => void;
  viewers: (payload: { sessionId: string; viewers: ViewerInfo[] }) => void;
  control: (payload: { sessionId: string; control: ControlState }) => void;
  ended: (payload: { sessionId: string; reason: string }) => void;
  error: (payload: { error: string }) => void;
}
