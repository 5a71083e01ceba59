/**
 * Just enough of the Guacamole protocol for the tunnel's edge (pure): encoding an instruction,
 * and reading the instructions of one WebSocket message (guacamole-common-js and guacamole-lite
 * send whole instructions per message). LENGTH counts code points.
 */
export interface Instruction {
  opcode: string;
  args: string[];
}

export function encodeInstruction(opcode: string, ...args: Array<string | number>): string {
  return [opcode, ...args].map((element) => {
    const value = String(element);
    return `${[...value].length}.${value}`;
  }).join(',') + ';';
}

/**
 * The instructions in `text`, or null if it is not a sequence of whole, well-formed instructions
 * (at most `maxInstructions`, so a huge message costs a bounded scan).
 */
export function parseInstructions(text: string, maxInstructions = 256): Instruction[] | null {
  const chars = [...text];
  const out: Instruction[] = [];
  let pos = 0;
  while (pos < chars.length) {
    if (out.length >= maxInstructions) return null;
    const elements: string[] = [];
    for (;;) {
      let length = 0;
      let digits = 0;
      while (pos < chars.length && chars[pos] >= '0' && chars[pos] <= '9' && digits < 9) {
        length = length * 10 + Number(chars[pos]);
        digits++;
        pos++;
      }
      if (digits === 0 || chars[pos] !== '.') return null;
      pos++;
      if (pos + length > chars.length) return null;
      elements.push(chars.slice(pos, pos + length).join(''));
      pos += length;
      const terminator = chars[pos++];
      if (terminator === ';') break;
      if (terminator !== ',') return null;
    }
    const [opcode, ...args] = elements;
    out.push({ opcode, args });
  }
  return out;
}

/** Instructions that say nothing about the user being at the keyboard: keep-alives and frame acknowledgements. */
const NOT_INPUT = new Set(['nop', 'sync', 'ack']);

/** Whether a message from the browser carries the user's input (anything unreadable counts: guacd judges it). */
export function carriesInput(text: string): boolean {
  const instructions = parseInstructions(text);
  return instructions === null || instructions.some((i) => !NOT_INPUT.has(i.opcode));
}

/** The first `error` instruction in a message from guacd, if any: guacd's words for why it gives up. */
export function guacdErrorIn(text: string): { message: string; status: string } | null {
  if (!text.includes('error,')) return null;
  const error = parseInstructions(text, 4096)?.find((i) => i.opcode === 'error');
  return error ? { message: error.args[0] ?? '', status: error.args[1] ?? '' } : null;
}

/**
 * Whether a message from guacd ends a frame (a `sync` instruction). guacamole-lite forwards whole
 * instructions; a message of many is checked at its instruction boundaries without being parsed.
 */
export function endsFrame(text: string): boolean {
  return text.startsWith('4.sync,') || text.includes(';4.sync,');
}

/**
 * `text` without its `mouse` instructions: the same string when it has none (or cannot be read:
 * guacd judges it), '' when nothing else was in it, the rest re-encoded otherwise.
 */
export function withoutMouse(text: string): string {
  if (!text.includes('5.mouse,')) return text;
  const instructions = parseInstructions(text);
  if (instructions === null) return text;
  const rest = instructions.filter((i) => i.opcode !== 'mouse');
  return rest.length === instructions.length ? text : rest.map((i) => encodeInstruction(i.opcode, ...i.args)).join('');
}
