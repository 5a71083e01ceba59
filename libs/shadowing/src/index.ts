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
export { transportBacklog } from './live/live-socket';
export { LiveCore } from './live/live-core';
export { SESSION_NOT_FOUND, controlVerdict, inputVerdict, shadowVerdict, watchScope } from './live/shadow-permission';
export type { ShadowVerdict } from './live/shadow-permission';
export type { LiveFeed, LiveNoticeKind, LiveSessionInfo, LiveSource, RdpLiveSource, SshLiveSource, TerminalFeed } from './live/live-source';
export type { LiveClientEvents, LiveServerEvents, AttachAck, RdpAttachAck, SshAttachAck, ViewerInfo } from './live/live-events';
export type { LiveStream, StreamStart } from './live/streams/live-stream';
export { GUACAMOLE_JOIN_MINTER, GuacamoleStream } from './live/streams/guacamole-stream';
export type { GuacamoleJoin, GuacamoleJoinMinter, GuacamoleRedemption } from './live/streams/guacamole-stream';
export { controlNotice } from './live/watch-notices';
