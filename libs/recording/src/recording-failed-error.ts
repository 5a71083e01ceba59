/**
 * A recording could not be written to disk. The file may hold a valid prefix, but it is
 * incomplete, so the access log should flag the session rather than store a hash for it.
 */
export class RecordingFailedError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`recording ${path} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RecordingFailedError';
  }
}
