import type { GuacamoleInstruction } from '../../test/support/guacamole-protocol';
import { imageRect, rectsCover, type PaintedRect, type ScreenSize } from '../../test/support/rdp-screen';

/** An instruction as GuacamoleWsClient logs it: `at` is Date.now() when its chunk arrived. */
export type TimedInstruction = GuacamoleInstruction & { at: number };

/** Opcodes that change what a Guacamole client shows (protocol reference, "Drawing instructions"). */
const DRAWING = new Set(['img', 'png', 'jpeg', 'rect', 'cfill', 'lfill', 'copy', 'transfer', 'arc', 'line', 'curve', 'cstroke', 'lstroke', 'close', 'distort', 'move', 'shade', 'size', 'dispose']);

/**
 * The time of the first complete screen: the first `sync` (a client renders at `sync`) by which
 * what was painted on the default layer from index `from` on covers the whole screen; null if none
 * yet. Painted: images (rebuilt from img/blob/end in arrival order, so an image completed after the
 * sync does not count for it), solid fills (`rect`s then `cfill`: guacd sends a one-colour region
 * so) and `copy` targets.
 */
export function firstFullFrameAt(received: readonly TimedInstruction[], screen: ScreenSize, from = 0): number | null {
  const open = new Map<string, { layer: number; mimetype: string; x: number; y: number; chunks: Buffer[] }>();
  const painted: PaintedRect[] = [];
  let path: PaintedRect[] = [];
  let changed = false;
  const box = (x: string, y: string, w: string, h: string): PaintedRect => ({ x: Number(x), y: Number(y), right: Number(x) + Number(w), bottom: Number(y) + Number(h) });
  for (let index = from; index < received.length; index++) {
    const { opcode, args, at } = received[index];
    if (opcode === 'img') open.set(args[0], { layer: Number(args[2]), mimetype: args[3], x: Number(args[4]), y: Number(args[5]), chunks: [] });
    else if (opcode === 'blob') open.get(args[0])?.chunks.push(Buffer.from(args[1], 'base64'));
    else if (opcode === 'end') {
      const stream = open.get(args[0]);
      open.delete(args[0]);
      const rect = stream && imageRect({ ...stream, data: Buffer.concat(stream.chunks), atMs: at });
      if (rect) painted.push(rect);
      changed ||= Boolean(rect);
    } else if (opcode === 'rect' && args[0] === '0') path.push(box(args[1], args[2], args[3], args[4]));
    else if (opcode === 'cfill' && args[1] === '0') {
      painted.push(...path);
      changed ||= path.length > 0;
      path = [];
    } else if (opcode === 'copy' && args[6] === '0') {
      painted.push(box(args[7], args[8], args[3], args[4]));
      changed = true;
    } else if (opcode === 'sync' && changed) {
      if (rectsCover(painted, screen)) return at;
      changed = false;
    }
  }
  return null;
}

/** The first drawing instruction at or after index `from`, and the `sync` that shows it (its frame's end). */
export function drawnAfter(received: readonly TimedInstruction[], from: number): { firstDrawAt: number; syncAt: number } | null {
  let firstDrawAt = 0;
  for (let index = from; index < received.length; index++) {
    const { opcode, at } = received[index];
    if (!firstDrawAt && DRAWING.has(opcode)) firstDrawAt = at;
    else if (firstDrawAt && opcode === 'sync') return { firstDrawAt, syncAt: at };
  }
  return null;
}
