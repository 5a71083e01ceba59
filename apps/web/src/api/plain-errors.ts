/**
 * Error texts in words a user understands. The framework's own messages ("Validation failed (uuid
 * is expected)", engine.io's "xhr poll error") describe the mechanism, not what happened or what to
 * do; these say both. The server's own sentences (a refusal's reason, a field's rule) are kept as
 * they are: they were written for people.
 */

/** engine.io / socket.io connection failures, by the message they carry. */
const TRANSPORT_FAILURES = new Set(['xhr poll error', 'xhr post error', 'websocket error', 'timeout', 'server error', 'transport close', 'transport error']);

/** What a socket.io connect_error means to the user, for `what` (e.g. "the live view"). */
export function plainConnectionError(message: string, what: string): string {
  if (TRANSPORT_FAILURES.has(message.trim().toLowerCase())) {
    return `Cannot reach Vigil for ${what}: the network or the gateway is down. Retrying…`;
  }
  // the server's middleware refused us (expired sign-in, revoked token, missing privilege): its words
  return `${what[0].toUpperCase()}${what.slice(1)} was refused: ${message}`;
}

const EXPECTED = /^Validation failed \((.+) is expected\)$/;

const WHAT_WAS_EXPECTED: Record<string, string> = {
  uuid: 'an id of the form 0190c3b0-…',
  'numeric string': 'a number',
  'boolean string': 'true or false',
};

/** The text for an HTTP answer's status and the server's message. */
export function plainHttpError(status: number, message: string): string {
  const expected = EXPECTED.exec(message);
  if (expected) {
    const wanted = WHAT_WAS_EXPECTED[expected[1]] ?? expected[1];
    return `This address is not valid: ${wanted} was expected. Check the link, or go back to the list.`;
  }
  // Nest's bare defaults say nothing; a sentence of ours ("Wrong username or password") stays
  if (status === 401) return message === 'Unauthorized' ? 'Your sign-in has expired or was revoked: sign in again.' : message;
  if (status === 403) return message === 'Forbidden resource' || message === 'Forbidden' ? 'You are not allowed to do this.' : `Not allowed: ${message}`;
  if (status === 404) return `Not found: it may have ended or been deleted, or you may not be allowed to see it. (${message})`;
  if (status === 429) return 'Too many requests: wait a few seconds and try again.';
  if (status >= 500) return `Vigil could not do this (${status}): try again; if it keeps failing, tell an administrator.`;
  return message;
}

/** `fetch` rejects with a TypeError when nothing answered at all. */
export function plainNetworkError(error: Error): string | null {
  if (error.name === 'TypeError' && /fetch|network/i.test(error.message)) {
    return 'Cannot reach Vigil: check your network; the gateway may be down or restarting.';
  }
  return null;
}
