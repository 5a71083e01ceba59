/**
 * Keystrokes a shadowing viewer typed into a session are not the user's: asciicast v2 has no event
 * for "input from someone else", and a plain `i` event would put the viewer's commands in the
 * user's keystroke trail. They are recorded as marker (`m`) events instead, which every asciicast
 * player tolerates (ours skip them; asciinema's shows them as labelled points on the timeline):
 *
 *     [12.5, "m", "vigil:input by=carol data=ls -la\r"]
 *
 * `by` is the viewer's Vigil username; `data` is the exact text typed, to the end of the label.
 * The user's own keystrokes stay `i` events.
 */
export const VIEWER_INPUT_MARKER_PREFIX = 'vigil:input';

/** Usernames are letters, digits, ".", "_", "-": anything else (never expected) becomes "_". */
const UNSAFE_NAME_CHARS = /[^A-Za-z0-9._@-]/g;
const LABEL = /^vigil:input by=([A-Za-z0-9._@-]+) data=([\s\S]*)$/;

// Viewer input arrives as whole socket.io strings, so a chunk never ends inside a character.
const utf8 = new TextDecoder('utf-8');

export interface ViewerInput {
  viewer: string;
  data: string;
}

/** The marker label for `data` typed by `viewer`; undefined for empty input (nothing to record). */
export function formatViewerInputMarker(viewer: string, data: Uint8Array | string): string | undefined {
  const text = typeof data === 'string' ? data : utf8.decode(data);
  if (text.length === 0) return undefined;
  const name = viewer.replace(UNSAFE_NAME_CHARS, '_') || '_';
  return `${VIEWER_INPUT_MARKER_PREFIX} by=${name} data=${text}`;
}

/** Who typed what, if `label` is a viewer-input marker; undefined for any other marker. */
export function parseViewerInputMarker(label: string): ViewerInput | undefined {
  const match = LABEL.exec(label);
  return match ? { viewer: match[1], data: match[2] } : undefined;
}
