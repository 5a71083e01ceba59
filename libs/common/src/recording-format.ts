/**
 * The formats a session recording is played in: asciicast v2 (terminal sessions) and Guacamole
 * protocol dumps (RDP/VNC sessions, written by guacd). A recording's format is its stored file
 * name's extension: the extension is chosen by whoever opens the recording, so it cannot disagree
 * with the bytes, and no column or migration is needed to tell them apart.
 *
 * Terminal sessions are stored as `.vcast` (Vigil's framed recording: the exact bytes, framed with
 * their time, written without escaping; served as asciicast, converted on read) since 0.7; `.cast`
 * files (asciicast v2 as stored, written before) still play and verify as they are.
 */
export const RECORDING_FORMATS = ['asciicast', 'guacamole'] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];

/** File name extension (with its dot) each format is written with now. */
export const RECORDING_EXTENSIONS: Readonly<Record<RecordingFormat, string>> = { asciicast: '.vcast', guacamole: '.guac' };

/** Extension of the framed terminal recording (exact bytes; asciicast produced when read). */
export const FRAMED_RECORDING_EXTENSION = '.vcast';

/** Every extension a stored recording may have, and the format (the player) it needs. */
const STORED_EXTENSIONS: ReadonlyArray<readonly [string, RecordingFormat]> = [
  [FRAMED_RECORDING_EXTENSION, 'asciicast'],
  ['.cast', 'asciicast'], // asciicast v2 as stored: terminal recordings written before 0.7
  ['.guac', 'guacamole'],
];

/** The format of a stored recording path (`2025/03/07/<id>.guac`), or null when no known extension matches. */
export function recordingFormatOf(storedPath: string | null | undefined): RecordingFormat | null {
  if (!storedPath) return null;
  for (const [extension, format] of STORED_EXTENSIONS) if (storedPath.endsWith(extension)) return format;
  return null;
}

/** True for a framed terminal recording (`.vcast`), which is converted to asciicast when served. */
export function isFramedRecording(storedPath: string | null | undefined): boolean {
  return !!storedPath && storedPath.endsWith(FRAMED_RECORDING_EXTENSION);
}
