/**
 * Words for how a remote desktop connection ended (pure). Vigil ends a session by sending
 * `error,<reason>,521` before closing the tunnel, so the `error` instruction's message is the
 * reason to show; guacd's own errors carry its message too; a tunnel that just closes has only a
 * status code.
 */
export interface StatusLike {
  code: number;
  message?: string;
}

const CODE_TEXT: Record<number, string> = {
  0x0000: 'disconnected',
  0x0201: 'the remote desktop is busy',
  0x0202: 'the remote desktop did not answer in time',
  0x0203: 'the remote desktop reported an error',
  0x0204: 'the remote desktop is unavailable',
  0x0205: 'the session is in use elsewhere',
  0x0206: 'the remote desktop closed the session',
  0x0207: 'the remote desktop cannot be reached',
  0x0208: 'the gateway did not answer in time',
  0x0209: 'the session is not available',
  0x020d: 'the connection was closed',
  0x0301: 'the connection was refused',
  0x0303: 'not permitted',
  0x0308: 'the connection was idle too long',
};

/** Keep the first reason: the `error` instruction comes before the tunnel's close, which says less. */
export function endReason(current: string | null, status: StatusLike | null): string {
  if (current) return current;
  const message = status?.message?.trim();
  // a close frame's reason may be just the numeric code again
  if (message && !/^\d+$/.test(message)) return message;
  if (status) return CODE_TEXT[status.code] ?? `closed (status ${status.code})`;
  return 'disconnected';
}

/**
 * The key that takes keyboard focus out of the remote desktop (every other key, Tab included,
 * goes to the remote side while it has focus): Ctrl+Alt+Shift+Q.
 */
export const FOCUS_ESCAPE_LABEL = 'Ctrl+Alt+Shift+Q';

export function isFocusEscape(event: { key: string; code?: string; ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }): boolean {
  return event.ctrlKey && event.altKey && event.shiftKey && !event.metaKey && (event.code === 'KeyQ' || event.key.toLowerCase() === 'q');
}
