/**
 * What Vigil says when a session's recording cannot be written. The errors carry the file's path;
 * users, viewers and the access log get only the cause (the folder layout is the operator's).
 */

/** `EFBIG: file too large, write` → `file too large (EFBIG)`; anything else → a generic phrase. */
export function recordingFailureCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const errno = /\b(E[A-Z0-9]{2,})\b:?\s*([^,\n]*)/.exec(text);
  if (errno) {
    const description = errno[2].replace(/['"].*$/, '').trim();
    return description ? `${description} (${errno[1]})` : errno[1];
  }
  if (/recording thread/.test(text)) return 'the recording thread stopped';
  return 'write error';
}

/** Shown to the user, and kept as the access log's end message, when a strict target's session ends. */
export function strictRecordingNotice(target: string, cause: string): string {
  return `The recording of this session failed (${cause}). Target "${target}" requires recording, so the session has been ended.`;
}

/** The end message of a session refused because its recording could not be created. */
export function recordingOpenFailedMessage(cause: string): string {
  return `the session's recording could not be opened (${cause}); the session was refused`;
}

/** The end message of a session its jump never ended: it crashed, and the next one ended it. */
export const CRASH_RECOVERY_MESSAGE = 'the Vigil jump carrying this session stopped unexpectedly; ended when it restarted, recording kept up to the crash';
