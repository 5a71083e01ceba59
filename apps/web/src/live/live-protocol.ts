/** Wire shapes of the socket.io `/live` namespace: the server's own (libs/shadowing), one definition for both sides. */
export type { ViewerMode, ControlLockState as ControlState } from '../../../../libs/shadowing/src/control-lock';
export type {
  ActionAck,
  AttachAck,
  ControlAction,
  LiveClientEvents,
  LiveServerEvents,
  ViewerInfo,
} from '../../../../libs/shadowing/src/live/live-events';
