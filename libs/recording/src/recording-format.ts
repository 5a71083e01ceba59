import { isFramedRecording, recordingFormatOf, type RecordingFormat } from '@vigil/common';

export { RECORDING_FORMATS, isFramedRecording, recordingFormatOf, type RecordingFormat } from '@vigil/common';

/**
 * Media types of the served recordings. Guacamole recordings have no registered type; a vendor type
 * tells a client what player it needs without sniffing the bytes (`application/octet-stream` would
 * invite a download, and guessing from the first instruction is what a tampered file would exploit).
 */
export const RECORDING_CONTENT_TYPES: Readonly<Record<RecordingFormat, string>> = {
  asciicast: 'application/x-asciicast',
  guacamole: 'application/vnd.vigil.guacamole-recording',
};

/** The stored bytes of a framed terminal recording (`.vcast`, `?format=raw`): not for players. */
export const FRAMED_RECORDING_CONTENT_TYPE = 'application/vnd.vigil.terminal-recording';

/** What is served for a stored file of no known format (only a hand-edited row has one). */
export const UNKNOWN_RECORDING_CONTENT_TYPE = 'application/octet-stream';

/** Download names of the served formats. */
const SERVED_EXTENSIONS: Readonly<Record<RecordingFormat, string>> = { asciicast: '.cast', guacamole: '.guac' };

/** How a stored recording is served: its media type, the file name offered to the client, and whether it is converted. */
export interface ServedRecording {
  format: RecordingFormat | null;
  contentType: string;
  /** `<sessionId>.cast` / `<sessionId>.guac` / `<sessionId>.vcast` (raw); no extension when the format is unknown */
  fileName: string;
  /** true: a framed recording served as the asciicast it converts to; false: the stored bytes as they are */
  convert: boolean;
}

/**
 * The media type and download name of `storedPath`, a stored (relative or absolute) recording path
 * of `sessionId`. A framed terminal recording is served as asciicast (converted on read) unless
 * `raw` asks for the stored bytes; every other file is served as stored either way.
 */
export function servedRecording(sessionId: string, storedPath: string, raw = false): ServedRecording {
  const format = recordingFormatOf(storedPath);
  if (format === null) return { format, contentType: UNKNOWN_RECORDING_CONTENT_TYPE, fileName: sessionId, convert: false };
  if (isFramedRecording(storedPath) && raw) return { format, contentType: FRAMED_RECORDING_CONTENT_TYPE, fileName: `${sessionId}.vcast`, convert: false };
  return { format, contentType: RECORDING_CONTENT_TYPES[format], fileName: `${sessionId}${SERVED_EXTENSIONS[format]}`, convert: isFramedRecording(storedPath) };
}
