import type { IncomingMessage } from 'node:http';

/** The request body is larger than the limit. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    /** the rest of the body was not read: answer and close the connection */
    readonly abandoned: boolean,
  ) {
    super(`body larger than ${limit} bytes`);
  }
}

/**
 * Reads the body as bytes (SigV4 signs the bytes, so no parser may touch them first), up to
 * `limit`. An oversize body is still drained up to `drainLimit`, so the client reads the 413
 * instead of a reset connection; past that it is abandoned and the connection must close.
 */
export function readRawBody(req: IncomingMessage, limit: number, drainLimit = limit * 16): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainLimit) {
      reject(new BodyTooLargeError(limit, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) {
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limit, true));
      } else if (size <= limit) {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      if (size > limit) reject(new BodyTooLargeError(limit, false));
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // a client gone before the end: not every Node emits 'error' for it, every one emits 'close'
    const onClose = () => {
      cleanup();
      reject(new Error('the request closed before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
