import { RECORDING_EXTENSIONS, recordingFormatOf, type RecordingFormat } from '@vigil/common';

export { RECORDING_FORMATS, recordingFormatOf, type RecordingFormat } from '@vigil/common';

/**
 * Media types of the served recordings. Guacamole recordings have no registered type; a vendor type
 * tells a client what player it needs without sniffing the bytes (`application/octet-stream` would
 * invite a download, and guessing from the first instruction is what a tampered file would exploit).
 */
export const RECORDING_CONTENT_TYPES: Readonly<Record<RecordingFormat, string>> = {
  asciicast: 'application/x-asciicast',
  guacamole: 'application/vnd.vigil.guacamole-recording',
};

/** What is served for a stored file of no known format (only a hand-edited row has one). */
export const UNKNOWN_RECORDING_CONTENT_TYPE = 'application/octet-stream';

/** How a stored recording is served: its media type and the file name offered to the client. */
export interface ServedRecording {
  format: RecordingFormat | null;
  contentType: string;
  /** `<sessionId>.cast` / `<sessionId>.guac` (no extension when the format is unknown) */
  fileName: string;
}

/** The media type and download name of `storedPath`, a stored (relative or absolute) recording path of `sessionId`. */
export function servedRecording(sessionId: string, storedPath: string): ServedRecording {
  const format = recordingFormatOf(storedPath);
  if (format === null) return { format, contentType: UNKNOWN_RECORDING_CONTENT_TYPE, fileName: sessionId };
  return { format, contentType: RECORDING_CONTENT_TYPES[format], fileName: `${sessionId}${RECORDING_EXTENSIONS[format]}` };
}
