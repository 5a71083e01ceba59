import type { JumpForwardEvent } from './jump-ports';
import { sanitizeTerminalText } from './terminal-text';

const WHAT: Record<JumpForwardEvent['kind'], string> = {
  'direct-tcpip': 'local forward (-L/-W/-D) to',
  'direct-streamlocal': 'local forward to socket',
  'forwarded-tcpip': 'remote-forward connection (-R) to the user at',
  'tcpip-forward': 'remote listener (-R) on the target at',
};

/**
 * One readable line per forwarded channel event, for the session's recording: a tunnel has no
 * terminal, so its recording is this log of what it carried. Addresses come from the user's
 * request and are sanitised like any text written to a screen.
 */
export function describeForwardEvent(event: JumpForwardEvent): string {
  const where = sanitizeTerminalText(event.destination);
  if (event.phase === 'open') {
    const from = event.origin ? ` from ${sanitizeTerminalText(event.origin)}` : '';
    return `[Vigil] #${event.channel} open: ${WHAT[event.kind]} ${where}${from}`;
  }
  const bytes =
    event.bytesToTarget !== undefined && event.bytesFromTarget !== undefined
      ? `, ${event.bytesToTarget} bytes to the target, ${event.bytesFromTarget} bytes from it`
      : '';
  const lived = event.durationMs !== undefined ? `, after ${(event.durationMs / 1000).toFixed(1)} s` : '';
  return `[Vigil] #${event.channel} closed: ${WHAT[event.kind]} ${where}${bytes}${lived}`;
}
