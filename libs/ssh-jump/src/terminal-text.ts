/**
 * Text Vigil itself writes into a user's terminal (terminate reasons, watching notices, refusals,
 * banners, disconnect reasons) may carry words an admin or a viewer typed. A terminal obeys
 * control sequences, so that text must not be able to: clear the screen, retitle the window,
 * move the cursor to forge a prompt, or (bidi overrides) show different text than it contains.
 *
 * Removed: C0 controls except \n and \t (so ESC, BEL, \r, backspace), DEL, C1 controls
 * U+0080–U+009F (U+009B is a one-character CSI in many terminals), and the bidirectional
 * embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C: the "Trojan Source" characters).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeTerminalText(text: string): string {
  return text.replace(UNSAFE, '');
}

/**
 * The exact text a notice line becomes on the user's channel: with a PTY on its own line(s),
 * CRLF-terminated (the PTY on the user's side is raw); without one a plain line on stderr, so a
 * piped stdout stays clean. Recordings and mirrors replay this same text.
 */
export function terminalNotice(line: string, pty: boolean): string {
  const clean = sanitizeTerminalText(line);
  return pty ? `\r\n${clean.replace(/\n/g, '\r\n')}\r\n` : `${clean}\n`;
}
