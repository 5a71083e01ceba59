export { AsciicastWriter, DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_FLUSH_THRESHOLD_BYTES, DEFAULT_MAX_BUFFERED_BYTES } from './asciicast-writer';
export type { AsciicastWriterOptions, AsciicastWriterStats, AsciicastWriterSummary } from './asciicast-writer';
export { iterateAsciicast, readAsciicast, DEFAULT_MAX_LINE_BYTES } from './asciicast-reader';
export type { AsciicastEntry, AsciicastRecording, ReadAsciicastOptions } from './asciicast-reader';
export type { AsciicastEvent, AsciicastEventCode, AsciicastHeader } from './asciicast-format';
export { AsciicastFormatError } from './asciicast-format-error';
export { RecordingFailedError } from './recording-failed-error';
export { GAP_MARKER_PREFIX } from './bounded-event-buffer';
export { sha256OfFile, verifyRecording } from './verify-recording';
export { replayToScreen, MAX_REPLAY_COLS, MAX_REPLAY_ROWS } from './replay-to-screen';
export type { ReplayOptions, ReplayedScreen } from './replay-to-screen';
export { recordingFileName, resolveRecordingPath } from './recording-file-name';
export { OffThreadAsciicastWriter } from './threaded/off-thread-asciicast-writer';
export type { OffThreadWriterOptions, OffThreadWriterStats } from './threaded/off-thread-asciicast-writer';
export { examineCrashedRecording } from './crashed-recording';
export type { CrashedRecording } from './crashed-recording';
export { VIEWER_INPUT_MARKER_PREFIX, formatViewerInputMarker, parseViewerInputMarker } from './viewer-input-marker';
export type { ViewerInput } from './viewer-input-marker';
export {
  FRAMED_RECORDING_CONTENT_TYPE,
  RECORDING_CONTENT_TYPES,
  RECORDING_FORMATS,
  UNKNOWN_RECORDING_CONTENT_TYPE,
  isFramedRecording,
  recordingFormatOf,
  servedRecording,
} from './recording-format';
export { iterateFrames, recordedBytes } from './framed/frame-reader';
export type { FramedEntry, ReadFramesOptions, RecordedFrame } from './framed/frame-reader';
export { asciicastTextOf, framedAsAsciicast } from './framed/framed-to-asciicast';
export type { RecordingFormat, ServedRecording } from './recording-format';
export { RecordingModule } from './nest/recording.module';
export { RecordingStoreModule } from './nest/recording-store.module';
export { RecordingStore } from './nest/recording-store';
export type { RecordingLocation, SealedRecording } from './nest/recording-store';
