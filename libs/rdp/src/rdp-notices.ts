import type { WebSocket } from 'ws';
import type { LiveNoticeKind } from '@vigil/shadowing';
import { encodeInstruction } from './guacamole-instructions';

/** The opcode of Vigil's notices to a desktop session's user (guacamole-common-js ignores unknown opcodes). */
export const NOTICE_OPCODE = 'vigil-notice';

/** A notice's text is cut here (a username and a terminate reason are bounded already; this bounds the rest). */
const MAX_NOTICE_CHARS = 1_000;

/** `vigil-notice,<kind>,<text>;`: one whole instruction. */
export function noticeInstruction(kind: LiveNoticeKind, text: string): string {
  const chars = [...text];
  return encodeInstruction(NOTICE_OPCODE, kind, chars.length > MAX_NOTICE_CHARS ? `${chars.slice(0, MAX_NOTICE_CHARS - 1).join('')}…` : text);
}

/**
 * Writes a notice into the user's tunnel as a WebSocket message of its own. guacamole-lite sends
 * guacd's stream one whole instruction per message (its GuacdClient parses the stream and emits
 * each instruction; guacamole-lite-patch.spec.ts shows it for a stream torn mid-instruction), so a
 * message written beside them always falls between two instructions.
 */
export function sendNotice(ws: WebSocket, kind: LiveNoticeKind, text: string): void {
  if (ws.readyState !== ws.OPEN) return;
  try {
    ws.send(noticeInstruction(kind, text));
  } catch {
    // the tunnel is closing: its close handler ends the session
  }
}
