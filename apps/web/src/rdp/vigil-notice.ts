/**
 * In-band notices to the RDP/VNC user (pure, no Guacamole import so jest can drive it): the
 * gateway writes `vigil-notice,<kind>,<text>;` into the user's tunnel at an instruction boundary
 * when someone watches, leaves, takes control, pauses... guacamole-common-js ignores opcodes it
 * does not know; we take ours out before it sees them and pass everything else on untouched.
 */
export const NOTICE_OPCODE = 'vigil-notice';

export const NOTICE_KINDS = ['watching', 'left', 'control', 'paused', 'resumed', 'ended', 'message'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface VigilNotice {
  kind: NoticeKind;
  text: string;
}

/** A notice is one line for a banner (the gateway cuts at the same length): longer text from a confused peer is cut, not shown whole. */
export const MAX_NOTICE_TEXT = 1_000;

type InstructionHandler = (opcode: string, args: unknown[]) => void;

/** The notice in one instruction, or null when it is not a well-formed `vigil-notice`. */
export function parseNotice(opcode: string, args: readonly unknown[]): VigilNotice | null {
  if (opcode !== NOTICE_OPCODE || args.length < 2) return null;
  const [kind, raw] = args;
  if (typeof kind !== 'string' || typeof raw !== 'string' || !(NOTICE_KINDS as readonly string[]).includes(kind)) return null;
  // control characters would only garble the banner (and a screen reader's reading of it)
  const text = [...raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()].slice(0, MAX_NOTICE_TEXT).join('');
  if (!text) return null;
  return { kind: kind as NoticeKind, text };
}

/**
 * Wraps a tunnel's `oninstruction` (the one Guacamole.Client installed): `vigil-notice`
 * instructions go to `onNotice` (malformed ones are dropped: they are ours, never guacd's), every
 * other instruction to `original`, in order and unchanged.
 */
export function withNotices(original: InstructionHandler | null | undefined, onNotice: (notice: VigilNotice) => void): InstructionHandler {
  return (opcode, args) => {
    if (opcode === NOTICE_OPCODE) {
      const notice = parseNotice(opcode, args);
      if (notice) onNotice(notice);
      return;
    }
    original?.(opcode, args);
  };
}
