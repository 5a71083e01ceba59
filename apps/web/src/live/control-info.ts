import type { ControlState, ViewerInfo, ViewerMode } from './live-protocol';

const nameOf = (viewers: ViewerInfo[], viewerId: string | null, me: string | null) =>
  viewerId === null ? null : viewerId === me ? 'you' : (viewers.find((v) => v.viewerId === viewerId)?.username ?? 'another viewer');

/** Who types, in words: "you", "admin", or the session's user. */
export function describeHolder(control: ControlState | null, viewers: ViewerInfo[], me: string | null): string {
  const holder = nameOf(viewers, control?.holder ?? null, me);
  return holder === null ? 'the session’s user (no viewer holds control)' : holder === 'you' ? 'you' : holder;
}

export function describePause(control: ControlState | null, viewers: ViewerInfo[], me: string | null): string | null {
  if (!control?.userPaused) return null;
  return `The user’s keyboard is paused by ${nameOf(viewers, control.pausedBy, me) ?? 'a viewer'}.`;
}

/** Why keystrokes in the terminal are not sent, or null when they are. */
export function inputRefusal(mode: ViewerMode, control: ControlState | null, me: string | null, live: boolean): string | null {
  if (!live) return 'The session is not live: keystrokes are not sent.';
  if (mode === 'view') return 'View only: keystrokes are not sent. Open the session with Interact to type.';
  if (me === null || control?.holder !== me) return 'Take control first: keystrokes are sent only while you hold control.';
  return null;
}

/** The same for a remote desktop (mouse and keys go through its own tunnel). */
export function desktopInputRefusal(mode: ViewerMode, control: ControlState | null, me: string | null, live: boolean): string | null {
  if (!live) return 'The session is not live: the mouse and keys are not sent.';
  if (mode === 'view') return 'View only: the mouse and keys are not sent. Open the session with Interact to use them.';
  if (me === null || control?.holder !== me) return 'Take control first: the mouse and keys are sent only while you hold control.';
  return null;
}
