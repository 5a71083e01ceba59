import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RECORDING_EXTENSIONS, type RecordingFormat } from '@vigil/common';

/**
 * Session ids become file names, so only a conservative character set is accepted. We reject
 * instead of sanitising: mapping two distinct ids onto one name would let one session's
 * recording collide with another's.
 */
const SAFE_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Relative path `YYYY/MM/DD/<sessionId>.vcast` (a framed terminal recording; `.guac` for a Guacamole one) for a session
 * started at `startDate`. The date is taken in UTC so the folder does not depend on the server's
 * time zone or DST.
 * Throws on an id outside [A-Za-z0-9_-] (no dots, slashes or "..") or an invalid date.
 */
export function recordingFileName(sessionId: string, startDate: Date, format: RecordingFormat = 'asciicast'): string {
  if (!SAFE_SESSION_ID.test(sessionId)) {
    throw new RangeError(`unsafe session id for a recording file name: ${JSON.stringify(sessionId)}`);
  }
  if (!(startDate instanceof Date) || Number.isNaN(startDate.getTime())) {
    throw new RangeError('recording start date is not a valid date');
  }
  const year = String(startDate.getUTCFullYear()).padStart(4, '0');
  const month = String(startDate.getUTCMonth() + 1).padStart(2, '0');
  const day = String(startDate.getUTCDate()).padStart(2, '0');
  return `${year}/${month}/${day}/${sessionId}${RECORDING_EXTENSIONS[format]}`;
}

/**
 * Absolute path of a stored relative recording path, refusing anything that resolves outside
 * `recordingsRoot`. Use it when the relative path comes back from the database for playback:
 * a tampered row must not turn the playback endpoint into a file reader.
 */
export function resolveRecordingPath(recordingsRoot: string, relativePath: string): string {
  if (relativePath.length === 0 || isAbsolute(relativePath) || relativePath.includes('\0')) {
    throw new RangeError(`recording path must be a non-empty relative path: ${JSON.stringify(relativePath)}`);
  }
  const root = resolve(recordingsRoot);
  const full = resolve(root, relativePath);
  const fromRoot = relative(root, full);
  if (fromRoot.length === 0 || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
    throw new RangeError(`recording path escapes the recordings folder: ${JSON.stringify(relativePath)}`);
  }
  return full;
}
