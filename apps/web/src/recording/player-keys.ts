/** Seconds one arrow press moves the player, and with Shift. */
export const STEP_SECONDS = 5;
export const BIG_STEP_SECONDS = 30;

export type PlayerKeyAction = { kind: 'toggle' } | { kind: 'step'; seconds: number } | { kind: 'start' } | { kind: 'end' };

/** What the key handler needs of the focused element. */
export interface KeyTarget {
  tagName: string;
  type?: string;
  className?: string;
  isContentEditable?: boolean;
}

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** xterm.js's hidden input: the player's screen (stdin disabled), not a field anyone types into */
const XTERM_INPUT = 'xterm-helper-textarea';
const TEXT_INPUTS = new Set(['text', 'search', 'email', 'number', 'password', 'tel', 'url']);

/**
 * The player's keyboard, while the focus is inside it: Space plays or pauses, Left/Right move by
 * STEP_SECONDS (Shift: BIG_STEP_SECONDS) of the timeline, Home/End go to the start/end. Keys keep
 * their own meaning where they have one: in a text field, on a button or checkbox (Space presses
 * it), in the speed choice (arrows pick the speed), and with Ctrl/Alt/Meta (browser shortcuts).
 * On the seek slider the arrows move by the same steps rather than its hundredths of a second.
 * Pure: returns the action, or null to leave the key to the browser.
 */
export function playerKeyAction(press: KeyPress, target: KeyTarget): PlayerKeyAction | null {
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  if (isTextField(target)) return null;
  const tag = target.tagName.toUpperCase();
  const type = (target.type ?? '').toLowerCase();
  const pressable = tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A' || (tag === 'INPUT' && (type === 'checkbox' || type === 'button' || type === 'submit'));
  const radio = tag === 'INPUT' && type === 'radio';
  switch (press.key) {
    case ' ':
    case 'Spacebar':
      return pressable ? null : { kind: 'toggle' };
    case 'ArrowLeft':
    case 'ArrowRight': {
      if (radio || tag === 'SELECT') return null;
      const seconds = press.shiftKey ? BIG_STEP_SECONDS : STEP_SECONDS;
      return { kind: 'step', seconds: press.key === 'ArrowLeft' ? -seconds : seconds };
    }
    case 'Home':
      return radio || tag === 'SELECT' ? null : { kind: 'start' };
    case 'End':
      return radio || tag === 'SELECT' ? null : { kind: 'end' };
    default:
      return null;
  }
}

function isTextField(target: KeyTarget): boolean {
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA') return !(target.className ?? '').split(/\s+/).includes(XTERM_INPUT);
  if (tag === 'SELECT') return false;
  return tag === 'INPUT' && TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
}

/** The visible help line of the player (README says the same). */
export const KEYBOARD_HELP = `Keys (with the focus in the player): Space play/pause, ←/→ ${STEP_SECONDS} s, Shift+←/→ ${BIG_STEP_SECONDS} s, Home/End start/end.`;
