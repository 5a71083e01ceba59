/**
 * The formats a session recording is stored in: asciicast v2 (terminal sessions, written by Vigil)
 * and Guacamole protocol dumps (RDP/VNC sessions, written by guacd). A recording's format is its
 * stored file name's extension: the extension is chosen by whoever opens the recording, so it
 * cannot disagree with the bytes, and no column or migration is needed to tell the two apart.
 */
export const RECORDING_FORMATS = ['asciicast', 'guacamole'] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];

/** File name extension (with its dot) of each format. */
export const RECORDING_EXTENSIONS: Readonly<Record<RecordingFormat, string>> = { asciicast: '.cast', guacamole: '.guac' };

/** The format of a stored recording path (`2025/03/07/<id>.guac`), or null when neither extension matches. */
export function recordingFormatOf(storedPath: string | null | undefined): RecordingFormat | null {
  if (!storedPath) return null;
  for (const format of RECORDING_FORMATS) if (storedPath.endsWith(RECORDING_EXTENSIONS[format])) return format;
  return null;
}
