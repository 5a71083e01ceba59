export { ScreenMirror, MAX_MIRROR_COLS, MAX_MIRROR_ROWS } from './screen-mirror';
export type { ScreenMirrorOptions, ScreenSnapshot } from './screen-mirror';
export { OutputCoalescer } from './output-coalescer';
export type { OutputCoalescerOptions } from './output-coalescer';
export { systemFlushScheduler } from './flush-scheduler';
export type { FlushScheduler } from './flush-scheduler';
export { ViewerBackpressure } from './viewer-backpressure';
export type { BackpressureDecision, ViewerBackpressureOptions, ViewerFlowState } from './viewer-backpressure';
export { ControlLock, SESSION_USER } from './control-lock';
export type {
  AttachResult,
  ControlLockChange,
  ControlLockState,
  HandBackResult,
  PauseUserResult,
  TakeOptions,
  TakeResult,
  ViewerMode,
} from './control-lock';
export { Utf8StreamDecoder } from './utf8-stream-decoder';
export type { TerminalChunk } from './utf8-stream-decoder';
export { LiveModule } from './live/live.module';
export { LiveHub } from './live/live-hub.service';
export { SESSION_NOT_FOUND, shadowVerdict } from './live/shadow-permission';
export type { ShadowVerdict } from './live/shadow-permission';
export type { LiveFeed, LiveSessionInfo, LiveSource } from './live/live-source';
export type { LiveClientEvents, LiveServerEvents, AttachAck, ViewerInfo } from './live/live-events';
